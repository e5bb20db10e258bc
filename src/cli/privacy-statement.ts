/** What a connection's owner agrees to before anything is sent through it (issue 11; docs/saved-exports.md). */
export const PRIVACY_STATEMENT = [
  'Data privacy statement: exporting sends profile data, personal data included (email addresses and every',
  'mapped field), out of your systems to Klaviyo. You are responsible for Klaviyo meeting your privacy and',
  'security obligations (a data processing agreement, a lawful basis and consent for each profile).',
].join('\n');

/** The command that records the agreement; `--config` repeated when the file is not the default one. */
export function acknowledgeCommand(connection: string, configOption: string | undefined): string {
  const config = configOption === undefined ? '' : ` --config ${JSON.stringify(configOption)}`;
  return `klaviyo-export connect ${connection} --acknowledge-privacy${config}`;
}
