export * from "./client.js";
export * from "./legacy.js";
export * from "./refresh.js";
export * from "./save.js";
export type { components, paths } from "./schema.js";
