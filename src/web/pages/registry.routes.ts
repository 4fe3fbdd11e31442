export { registryPages } from '../../permits/registry.pages.js';
