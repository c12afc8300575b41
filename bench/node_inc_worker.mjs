// The trivial task for piscina and tinypool workers in the Node bench: one number in, one out.
export default function inc(x) {
  return x + 1;
}
