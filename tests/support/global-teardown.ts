// Runs once after the suite.
export default async function globalTeardown(): Promise<void> {}
