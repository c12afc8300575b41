/**
 * One way to describe a bad value in an error message.
 *
 * @module
 */

/**
 * Describes a value for an error message: `null`, `an array`, `an instance of
 * Map`, `"text"`, `a function (f)`, `42`.
 *
 * @param value Anything.
 * @returns A short description.
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "object": {
      const name = (value as { constructor?: { name?: string } }).constructor?.name;
      return `an instance of ${name || "Object"}`;
    }
    case "string":
      return JSON.stringify(value);
    case "function":
      return value.name ? `a function (${value.name})` : "a function";
    case "symbol":
      return `a symbol (${value.description ?? ""})`;
    case "bigint":
      return `${value}n`;
    default:
      return String(value);
  }
}
