// Runs the provider contract (spec smp.md §2) for the pure @noble provider.
import { nobleProvider } from '../../src/index.ts';
import { providerContract } from './provider-contract.ts';

providerContract('nobleProvider', nobleProvider);
