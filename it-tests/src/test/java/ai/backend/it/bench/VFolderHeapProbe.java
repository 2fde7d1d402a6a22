package ai.backend.it.bench;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.Session;
import ai.backend.client.TransferOptions;
import ai.backend.client.TransferResult;
import ai.backend.client.VFolders;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Moves one large file up to a folder and back through the SDK and prints throughput and the heap's
 * high-water mark (not a test). Run the client JVM with a small {@code -Xmx} to show transfers stream;
 * the server runs in another process. Arguments: endpoint, access key, secret key, adapter, API
 * version, size in MiB, work directory.
 *
 * <p>With {@code --transfer} first it is the SDK side of {@link VFolderTransferBench}: one existing
 * file up to an existing folder and back, then the remote copy removed, and one machine-readable
 * {@code RESULT} line. Arguments then: endpoint, access key, secret key, adapter, API version,
 * folder, local source, remote name, local target.
 */
public final class VFolderHeapProbe {
  private VFolderHeapProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--transfer")) {
      transfer(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Config c = Config.builder()
        .endpoint(args[0])
        .accessKey(args[1])
        .secretKey(args[2])
        .apiVersion(ApiVersion.parse(args[4]))
        .build();
    long size = Long.parseLong(args[5]) * 1024 * 1024;
    Path dir = Path.of(args[6]);
    Path src = dir.resolve("probe.bin");
    Path dst = dir.resolve("probe.out");
    write(src, size);
    Files.deleteIfExists(dst);
    resetPeaks();
    try (Session s = Session.builder().config(c).transportName(args[3]).build()) {
      VFolders vf = s.vfolders();
      String name = "probe-" + Long.toHexString(System.nanoTime());
      vf.create(name);
      long t0 = System.nanoTime();
      TransferResult up = vf.upload(name, src, "probe.bin", TransferOptions.defaults());
      long t1 = System.nanoTime();
      TransferResult down = vf.download(name, "probe.bin", dst, TransferOptions.defaults());
      long t2 = System.nanoTime();
      vf.delete(name);
      System.out.printf(
          "%s %s %d MiB: upload %.0f MiB/s, download %.0f MiB/s, sha256 equal: %s,"
              + " heap peak %.1f MiB (max %.0f MiB)%n",
          s.transportName(),
          s.apiVersion(),
          size >> 20,
          (size / 1048576.0) / ((t1 - t0) / 1e9),
          (size / 1048576.0) / ((t2 - t1) / 1e9),
          up.sha256().equals(down.sha256()),
          heapPeak() / 1048576.0,
          Runtime.getRuntime().maxMemory() / 1048576.0);
    } finally {
      Files.deleteIfExists(src);
      Files.deleteIfExists(dst);
    }
  }

  private static void transfer(String[] args) {
    Config c = Config.builder()
        .endpoint(args[0])
        .accessKey(args[1])
        .secretKey(args[2])
        .apiVersion(ApiVersion.parse(args[4]))
        .build();
    String folder = args[5];
    Path src = Path.of(args[6]);
    String remote = args[7];
    Path dst = Path.of(args[8]);
    try (Session s = Session.builder().config(c).transportName(args[3]).build()) {
      VFolders vf = s.vfolders();
      vf.ls(folder, "."); // the connection and the negotiation outside the timed part, as for curl
      resetPeaks();
      long t0 = System.nanoTime();
      TransferResult up = vf.upload(folder, src, remote, TransferOptions.defaults());
      long t1 = System.nanoTime();
      TransferResult down = vf.download(folder, remote, dst, TransferOptions.defaults());
      long t2 = System.nanoTime();
      long peak = heapPeak();
      vf.rm(folder, java.util.List.of(remote), false);
      System.out.printf(
          "RESULT transport=%s version=%s bytes=%d up_ns=%d down_ns=%d sha_equal=%s"
              + " resumes=%d heap_peak=%d heap_max=%d%n",
          s.transportName(),
          s.apiVersion(),
          down.bytes(),
          t1 - t0,
          t2 - t1,
          up.sha256().equals(down.sha256()) && up.bytes() == down.bytes(),
          up.resumes() + down.resumes(),
          peak,
          Runtime.getRuntime().maxMemory());
    }
  }

  private static void write(Path p, long size) throws IOException {
    byte[] buf = new byte[1 << 20];
    new Random(1).nextBytes(buf);
    try (OutputStream out = Files.newOutputStream(p)) {
      for (long left = size; left > 0; left -= buf.length) {
        buf[0]++; // no two MiB alike
        out.write(buf, 0, (int) Math.min(left, buf.length));
      }
    }
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  /** The sum of the heap pools' peaks: an upper bound of the heap ever in use at once. */
  private static long heapPeak() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
