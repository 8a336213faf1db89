/** JMH benchmarks; the side-by-side comparison scripts live next to this module in bench/. */
package io.tidemark.bench;
