import { bundleSize } from "./footprint.js";

const s = await bundleSize();
console.log(
  JSON.stringify({
    ours: s.ours.gzipped,
    with: s.withOpenapiFetch.gzipped,
    withMin: s.withOpenapiFetch.minified,
    app: s.typicalApp.gzipped,
    waiters: s.waiters.gzipped,
  }),
);
