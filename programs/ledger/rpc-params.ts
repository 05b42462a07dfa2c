// Positional-parameter readers for the JSON-RPC handlers: each failure is an invalid-params
// error that names the parameter, never an exception from deeper down.
import { invalidParams } from './rpc-error.js';

export type Params = readonly unknown[];

const COMMITMENTS = new Set([
  'processed',
  'confirmed',
  'finalized',
  'recent',
  'single',
  'singleGossip',
  'root',
  'max',
]);

/** The optional config object at `index`; every commitment is accepted (this ledger finalizes at once). */
export function config(params: Params, index: number): Record<string, unknown> {
  const value = params[index];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParams(`Invalid params: parameter ${index} must be a configuration object`);
  }
  const commitment = (value as { commitment?: unknown }).commitment;
  if (commitment !== undefined && (typeof commitment !== 'string' || !COMMITMENTS.has(commitment))) {
    throw invalidParams(`Invalid params: unknown commitment ${JSON.stringify(commitment)}`);
  }
  return value as Record<string, unknown>;
}

export function requiredString(params: Params, index: number, name: string): string {
  const value = params[index];
  if (typeof value !== 'string')
    throw invalidParams(`Invalid params: ${name} (parameter ${index}) must be a string`);
  return value;
}

export function requiredArray(params: Params, index: number, name: string, max: number): unknown[] {
  const value = params[index];
  if (!Array.isArray(value))
    throw invalidParams(`Invalid params: ${name} (parameter ${index}) must be an array`);
  if (value.length > max) throw invalidParams(`Too many inputs provided; max ${max}`);
  return value;
}

export function requiredCount(params: Params, index: number, name: string): number {
  const value = params[index];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidParams(`Invalid params: ${name} (parameter ${index}) must be a non-negative integer`);
  }
  return value;
}

export function optionalBoolean(cfg: Record<string, unknown>, key: string): boolean | undefined {
  const value = cfg[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParams(`Invalid params: ${key} must be a boolean`);
  return value;
}

export function optionalCount(cfg: Record<string, unknown>, key: string): number | undefined {
  const value = cfg[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidParams(`Invalid params: ${key} must be a non-negative integer`);
  }
  return value;
}
