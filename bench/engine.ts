// Placeholder until the engine benchmark lands.
export async function run(): Promise<void> {}
