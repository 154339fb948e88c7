// The workflow bundle's entry point (the worker's workflowsPath): every workflow type it registers.
export { journeyRun } from './journey-run';
