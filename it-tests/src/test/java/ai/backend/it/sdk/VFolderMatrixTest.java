package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ApiVersion;
import ai.backend.client.AsyncVFolders;
import ai.backend.client.CancelToken;
import ai.backend.client.Config;
import ai.backend.client.ExecutionResult;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.Session;
import ai.backend.client.TransferOptions;
import ai.backend.client.TransferResult;
import ai.backend.client.VFolderFile;
import ai.backend.client.VFolderInfo;
import ai.backend.client.VFolders;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.BadRequestException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.TransferVerificationException;
import ai.backend.client.errors.UnsupportedFeatureException;
import ai.backend.client.port.TransportException;
import ai.backend.it.support.CuttingProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Virtual folders through real HTTP against local-server × {apache, jdk} × {v4.20190315 (direct
 * routes), v9.20250722 (storage proxy: tus and Range)}: the life cycle, transfers verified by SHA-256,
 * directories with globs, resumption after a cut connection, cancellation and mounts.
 */
class VFolderMatrixTest extends SdkFixture {
  static final ApiVersion V4_0315 = ApiVersion.V4_20190315;

  @TempDir
  Path tmp;

  static Stream<Arguments> versions() {
    List<Arguments> out = new ArrayList<>();
    for (String adapter : List.of("apache", "jdk")) {
      for (ApiVersion v : List.of(V4_0315, V9)) {
        out.add(Arguments.of(adapter, v));
      }
    }
    return out.stream();
  }

  private static String folderName(String prefix) {
    return prefix + "-" + Long.toHexString(System.nanoTime());
  }

  private Session session(String adapter, ApiVersion v) {
    return open(adapter, Mode.SYNC, v).session();
  }

  private Path random(String name, int size, long seed) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    Random r = new Random(seed);
    byte[] buf = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(p)) {
      for (int left = size; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, Math.min(left, buf.length));
      }
    }
    return p;
  }

  static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("versions")
  void lifeCycle(String adapter, ApiVersion v) {
    VFolders vf = session(adapter, v).vfolders();
    String name = folderName("life");
    VFolderInfo created = vf.create(name);
    assertEquals(name, created.name());
    assertTrue(vf.list().stream().anyMatch(f -> f.name().equals(name)));
    assertEquals(name, vf.info(name).name());

    vf.mkdir(name, "a/b");
    List<VFolderFile> root = vf.ls(name, ".");
    assertEquals(List.of("a"), root.stream().map(VFolderFile::name).toList());
    assertTrue(root.get(0).directory());
    assertThrows(InvalidArgumentException.class, () -> vf.ls(name, "../x"));

    if (v.major() <= 4) {
      assertThrows(UnsupportedFeatureException.class, () -> vf.rename(name, name + "x"));
      assertThrows(UnsupportedFeatureException.class, () -> vf.mv(name, "a", "c"));
      assertThrows(UnsupportedFeatureException.class, () -> vf.purge(name));
      vf.rm(name, List.of("a"), true);
      assertEquals(List.of(), vf.ls(name, "."));
      vf.delete(name);
      assertThrows(NotFoundException.class, () -> vf.info(name));
      return;
    }
    vf.mv(name, "a/b", "c");
    assertEquals(
        List.of("a", "c"),
        vf.ls(name, ".").stream().map(VFolderFile::name).sorted().toList());
    vf.rm(name, List.of("a", "c"), true);
    String renamed = name + "-r";
    vf.rename(name, renamed);
    assertThrows(NotFoundException.class, () -> vf.info(name));
    vf.delete(renamed); // to the trash
    assertFalse(vf.list().stream().anyMatch(f -> f.name().equals(renamed) && !trashed(f)));
    vf.restore(renamed);
    assertEquals(renamed, vf.info(renamed).name());
    vf.delete(renamed);
    vf.purge(renamed);
    assertFalse(vf.list().stream().anyMatch(f -> f.name().equals(renamed)));
  }

  private static boolean trashed(VFolderInfo f) {
    return f.status() != null && f.status().contains("delete");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("versions")
  void uploadAndDownloadAreVerifiedBySha256(String adapter, ApiVersion v) throws Exception {
    Session s = session(adapter, v);
    VFolders vf = s.vfolders();
    String name = folderName("rt");
    vf.create(name);
    Path src = random("src.bin", 3 * 1024 * 1024 + 17, 1);
    String expected = sha256(src);
    AtomicLong last = new AtomicLong();
    TransferResult up = vf.upload(
        name,
        src,
        "in/data.bin",
        TransferOptions.builder()
            .progress((n, t) -> last.set(n))
            .expectedSha256(expected)
            .build());
    assertEquals(expected, up.sha256());
    assertTrue(up.digestVerified());
    assertEquals(Files.size(src), up.bytes());
    assertEquals(Files.size(src), last.get());

    Path dst = tmp.resolve("out/data.bin");
    TransferResult down = vf.download(name, "in/data.bin", dst, TransferOptions.defaults());
    assertEquals(expected, down.sha256());
    assertEquals(expected, sha256(dst));
    assertFalse(Files.exists(tmp.resolve("out/data.bin.part")));

    // the async twin moves the same bytes
    AsyncVFolders async = s.async().vfolders();
    Path again = tmp.resolve("out/again.bin");
    assertEquals(
        expected,
        async
            .download(name, "in/data.bin", again, TransferOptions.defaults())
            .join()
            .sha256());
    assertEquals(expected, sha256(again));

    assertThrows(
        InvalidArgumentException.class,
        () -> vf.download(name, "in/data.bin", dst, TransferOptions.defaults()));
    String wrong = "0".repeat(64);
    assertThrows(
        TransferVerificationException.class,
        () -> vf.download(
            name,
            "in/data.bin",
            dst,
            TransferOptions.builder().overwrite(true).expectedSha256(wrong).build()));
    assertEquals(expected, sha256(dst)); // a file failing the check does not replace the old one
    assertThrows(
        NotFoundException.class,
        () -> vf.download(name, "in/missing.bin", tmp.resolve("m"), TransferOptions.defaults()));
    vf.delete(name);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("versions")
  void directoriesRoundTripWithGlobs(String adapter, ApiVersion v) throws Exception {
    VFolders vf = session(adapter, v).vfolders();
    String name = folderName("dir");
    vf.create(name);
    Path tree = tmp.resolve("tree");
    random("tree/a.csv", 1000, 1);
    random("tree/b.txt", 2000, 2);
    random("tree/sub/c.csv", 300_000, 3);
    random("tree/sub/deep/d.csv", 0, 4);
    random("tree/.git/config", 10, 5);
    List<TransferResult> up = vf.uploadDirectory(
        name, tree, "data", TransferOptions.builder().exclude(".git").build());
    assertEquals(
        List.of("data/a.csv", "data/b.txt", "data/sub/c.csv", "data/sub/deep/d.csv"),
        up.stream().map(TransferResult::remotePath).sorted().toList());

    Path back = tmp.resolve("back");
    List<TransferResult> down = vf.downloadDirectory(
        name, "data", back, TransferOptions.builder().include("*.csv").build());
    assertEquals(
        List.of("a.csv", "sub/c.csv", "sub/deep/d.csv"),
        down.stream()
            .map(r -> tree.relativize(tree.resolve(back.relativize(r.localPath()))))
            .map(p -> p.toString().replace('\\', '/'))
            .sorted()
            .toList());
    for (String f : List.of("a.csv", "sub/c.csv", "sub/deep/d.csv")) {
      assertEquals(sha256(tree.resolve(f)), sha256(back.resolve(f)), f);
    }
    assertFalse(Files.exists(back.resolve("b.txt")));
    assertFalse(Files.exists(back.resolve(".git")));

    // run again without overwrite: every file is already complete (the listed size and mtime, which
    // the download stamped), so none is fetched or replaced
    Object inode = fileKey(back.resolve("a.csv"));
    List<TransferResult> again = vf.downloadDirectory(
        name, "data", back, TransferOptions.builder().include("*.csv").build());
    assertEquals(3, again.size());
    for (TransferResult r : again) {
      assertTrue(r.skipped(), r.toString());
      assertEquals(sha256(r.localPath()), r.sha256());
    }
    assertEquals(inode, fileKey(back.resolve("a.csv")));
    // one that differs (its time) is not provably the remote one: refused as before
    Files.setLastModifiedTime(back.resolve("sub/c.csv"), FileTime.fromMillis(0));
    InvalidArgumentException e = assertThrows(
        InvalidArgumentException.class,
        () -> vf.downloadDirectory(
            name, "data", back, TransferOptions.builder().include("*.csv").build()));
    assertTrue(e.getMessage().contains("c.csv exists"), e.getMessage());
    vf.delete(name);
  }

  private static Object fileKey(Path p) throws java.io.IOException {
    return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("versions")
  void transfersResumeAfterACutConnection(String adapter, ApiVersion v) throws Exception {
    try (CuttingProxy proxy = CuttingProxy.to(config(v).build().endpoint().getPort())) {
      Config c = config(v).endpoint(proxy.uri()).build();
      VFolders vf = open(adapter, Mode.SYNC, c).session().vfolders();
      String name = folderName("cut");
      vf.create(name);
      Path src = random("big.bin", 6 * 1024 * 1024, 7);
      String expected = sha256(src);
      TransferOptions fast = TransferOptions.builder()
          .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
          .build();

      proxy.cutAfter(CuttingProxy.Direction.UP, 2 * 1024 * 1024);
      TransferResult up = vf.upload(name, src, "big.bin", fast);
      assertEquals(1, proxy.cuts());
      assertEquals(expected, up.sha256());
      assertTrue(up.resumes() >= 1, "resumes: " + up.resumes());

      proxy.cutAfter(CuttingProxy.Direction.DOWN, 3 * 1024 * 1024);
      Path dst = tmp.resolve("big.out");
      TransferResult down = vf.download(name, "big.bin", dst, fast);
      assertEquals(2, proxy.cuts());
      assertTrue(down.resumes() >= 1, "resumes: " + down.resumes());
      assertEquals(expected, down.sha256());
      assertEquals(expected, sha256(dst));

      // without resume the first cut ends the transfer, and a later call goes on from the .part
      proxy.cutAfter(CuttingProxy.Direction.DOWN, 1024 * 1024);
      Path second = tmp.resolve("second.out");
      BackendIoException e = assertThrows(
          BackendIoException.class,
          () -> vf.download(
              name, "big.bin", second, fast.toBuilder().resume(false).build()));
      assertTrue(e.transportKind().isPresent(), e.toString());
      if (v.major() > 4) {
        Path part = tmp.resolve("second.out.part");
        if (!Files.exists(part)) {
          // the cut reached the JDK client before it handed over the response: nothing was
          // received, so no part; make one by cancelling a download once 1 MiB arrived
          CancelToken stop = new CancelToken();
          assertThrows(
              BackendIoException.class,
              () -> vf.download(
                  name,
                  "big.bin",
                  second,
                  fast.toBuilder()
                      .cancelToken(stop)
                      .progress((n, t) -> {
                        if (n >= 1024 * 1024) {
                          stop.cancel();
                        }
                      })
                      .build()));
        }
        assertTrue(Files.size(part) > 0);
        TransferResult resumed = vf.download(name, "big.bin", second, fast);
        assertEquals(1, resumed.resumes());
        assertEquals(expected, sha256(second));
      }
      vf.delete(name);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("versions")
  void cancellationStopsATransfer(String adapter, ApiVersion v) throws Exception {
    Session s = session(adapter, v);
    VFolders vf = s.vfolders();
    String name = folderName("cancel");
    vf.create(name);
    Path src = random("c.bin", 16 * 1024 * 1024, 9);

    CancelToken token = new CancelToken();
    BackendIoException e = assertThrows(
        BackendIoException.class,
        () -> vf.upload(
            name,
            src,
            "c.bin",
            TransferOptions.builder()
                .stateDir(tmp.resolve("state")) // a cancelled upload is recorded for later
                .cancelToken(token)
                .progress((n, t) -> {
                  if (n > 1024 * 1024) {
                    token.cancel();
                  }
                })
                .build()));
    assertEquals(TransportException.Kind.CANCELLED, e.transportKind().orElseThrow(), e.toString());

    vf.upload(name, src, "c.bin", TransferOptions.defaults());
    AtomicReference<CompletableFuture<TransferResult>> f = new AtomicReference<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    f.set(s.async()
        .vfolders()
        .download(
            name,
            "c.bin",
            tmp.resolve("c.out"),
            TransferOptions.builder()
                .progress((n, t) -> {
                  if (n > 1024 * 1024) {
                    started.complete(null);
                  }
                })
                .build()));
    started.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(f.get().cancel(true));
    assertThrows(CancellationException.class, () -> f.get().join());
    assertFalse(Files.exists(tmp.resolve("c.out")));
    vf.delete(name);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("versions")
  void aSessionSeesAMountedFolderAndWritesBack(String adapter, ApiVersion v) throws Exception {
    Session s = session(adapter, v);
    VFolders vf = s.vfolders();
    String name = folderName("mnt");
    vf.create(name);
    Files.writeString(tmp.resolve("hello.txt"), "hello from the folder");
    vf.upload(name, tmp.resolve("hello.txt"), "hello.txt", TransferOptions.defaults());
    Kernel k =
        Kernel.getOrCreate(s, "python", KernelOptions.builder().mount(name).build());
    try {
      ExecutionResult r = k.execute("print(open('" + name + "/hello.txt').read())\n" + "open('"
          + name + "/out.txt', 'w').write('written by the session')");
      assertTrue(r.stdout().contains("hello from the folder"), r.stdout() + r.stderr());
    } finally {
      k.destroy();
    }
    Path out = tmp.resolve("out.txt");
    vf.download(name, "out.txt", out, TransferOptions.defaults());
    assertEquals("written by the session", Files.readString(out));
    vf.delete(name);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("versions")
  void symlinksPlantedBySessionCodeDoNotLeadOut(String adapter, ApiVersion v) throws Exception {
    Session s = session(adapter, v);
    VFolders vf = s.vfolders();
    String name = folderName("esc");
    vf.create(name);
    Path outside = tmp.resolve("outside");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("secret.txt"), "not yours");
    Kernel k =
        Kernel.getOrCreate(s, "python", KernelOptions.builder().mount(name).build());
    try {
      ExecutionResult r = k.execute("import os\n"
          + "os.symlink(" + pyString(outside.toString()) + ", '" + name + "/dir')\n"
          + "os.symlink(" + pyString(outside.resolve("secret.txt").toString()) + ", '" + name
          + "/file')\n"
          + "print(sorted(os.listdir('" + name + "')))");
      assertTrue(r.stdout().contains("'dir', 'file'"), r.stdout() + r.stderr());
    } finally {
      k.destroy();
    }
    TransferOptions o = TransferOptions.defaults();
    List<BackendApiException> refused = new ArrayList<>();
    refused.add(assertThrows(BackendApiException.class, () -> vf.ls(name, "dir")));
    refused.add(assertThrows(
        BackendApiException.class,
        () -> vf.download(name, "dir/secret.txt", tmp.resolve("a.txt"), o)));
    refused.add(assertThrows(
        BackendApiException.class, () -> vf.download(name, "file", tmp.resolve("b.txt"), o)));
    Files.writeString(tmp.resolve("new.txt"), "planted");
    refused.add(assertThrows(
        BackendApiException.class,
        () -> vf.upload(name, tmp.resolve("new.txt"), "dir/new.txt", o)));
    for (BackendApiException e : refused) {
      assertEquals(BadRequestException.class, e.getClass(), e.toString());
      assertEquals(400, e.status(), e.toString());
      assertTrue(e.getMessage().contains("escapes the folder"), e.getMessage());
    }
    assertFalse(Files.exists(tmp.resolve("a.txt")) || Files.exists(tmp.resolve("b.txt")));
    assertFalse(Files.exists(outside.resolve("new.txt")));
    assertEquals("not yours", Files.readString(outside.resolve("secret.txt")));
    vf.rm(name, List.of("dir", "file"), false); // the links go, not what they point to
    assertEquals(List.of(), vf.ls(name, "."));
    assertEquals("not yours", Files.readString(outside.resolve("secret.txt")));
    vf.delete(name);
  }

  private static String pyString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  static String names(List<VFolderFile> files) {
    return files.stream().map(VFolderFile::name).sorted().collect(Collectors.joining(","));
  }
}
