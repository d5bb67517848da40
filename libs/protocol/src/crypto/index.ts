// Barrel of src/crypto (owned by that area); re-exported by src/index.ts.
export {};
