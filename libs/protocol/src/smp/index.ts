// Barrel of src/smp (owned by that area); re-exported by src/index.ts.
export {};
