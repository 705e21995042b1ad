package io.privateendpoint.e2e.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A process's resident memory from /proc/&lt;pid&gt;/status: VmHWM (the kernel's own peak) and the
 * largest VmRSS seen by sampling every 200 ms, as a check on each other.
 */
final class RssSampler implements AutoCloseable {

  private final Path status;
  private final AtomicLong maxSampledKiB = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  RssSampler(long pid) {
    this.status = Path.of("/proc", String.valueOf(pid), "status");
    this.thread = Thread.ofPlatform().daemon().name("rss-sampler-" + pid).start(this::sample);
  }

  private void sample() {
    while (running) {
      long rss = field("VmRSS:");
      maxSampledKiB.accumulateAndGet(rss, Math::max);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** VmHWM in KiB: the peak resident set since the process started; 0 once it is gone. */
  long peakKiB() {
    return field("VmHWM:");
  }

  long currentKiB() {
    return field("VmRSS:");
  }

  long maxSampledKiB() {
    return maxSampledKiB.get();
  }

  private long field(String name) {
    try {
      return Files.readAllLines(status).stream().filter(l -> l.startsWith(name))
          .mapToLong(l -> Long.parseLong(l.substring(name.length()).replace("kB", "").strip())).findFirst().orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
