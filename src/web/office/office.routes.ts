// Moved: the work queue is src/applications/work-queue.pages.ts (this shim goes when nothing imports it).
export { workQueuePages as officePages } from '../../applications/work-queue.pages.js';
