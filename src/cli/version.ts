import { VERSION } from '../version.js';

export { VERSION };
export const USER_AGENT = `klaviyo-export/${VERSION} (+https://www.npmjs.com/package/klaviyo-export)`;
