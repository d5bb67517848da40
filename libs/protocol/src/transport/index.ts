// Barrel of src/transport (owned by that area); re-exported by src/index.ts.
export {};
