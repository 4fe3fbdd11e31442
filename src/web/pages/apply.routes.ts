export { displayAnswer, fieldInput } from '../views.js';
