export { permitStatusTag, validityText } from '../../permits/permits.views.js';
export { verifyPages } from '../../permits/verify.pages.js';
