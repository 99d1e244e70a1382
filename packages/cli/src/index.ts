export { main, usage } from './main';
