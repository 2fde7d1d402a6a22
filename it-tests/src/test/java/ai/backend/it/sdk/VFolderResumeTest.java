package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.AsyncKernel;
import ai.backend.client.CancelToken;
import ai.backend.client.Config;
import ai.backend.client.ExecutionResult;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.RequestInterceptor;
import ai.backend.client.Session;
import ai.backend.client.TransferOptions;
import ai.backend.client.TransferResult;
import ai.backend.client.VFolders;
import ai.backend.client.errors.BackendIoException;
import ai.backend.it.support.CuttingProxy;
import ai.backend.it.support.CuttingProxy.Direction;
import ai.backend.local.LocalServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Folder transfers on the storage-proxy dialect (v9) that outlive the call that started them: an
 * upload cut with no retries left goes on in a later call (from its owner-only state record, as the
 * CLI run again after Ctrl-C would), also after local-server restarted on the same state dir; the
 * storage-proxy URL override; mounts by id; records keyed by the folder's id, not the name given. Real HTTP against local-server, both adapters.
 */
class VFolderResumeTest extends SdkFixture {
  private static final int SIZE = 6 * 1024 * 1024;
  private static final int CUT = 2 * 1024 * 1024;

  @TempDir
  Path tmp;

  private Path random(String name, int size, long seed) throws IOException {
    Path p = tmp.resolve(name);
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

  private TransferOptions once(Path stateDir) {
    return TransferOptions.builder()
        .maxRetries(0)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
        .stateDir(stateDir)
        .build();
  }

  private static List<Path> records(Path stateDir) throws IOException {
    if (!Files.isDirectory(stateDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(stateDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("upload-")).toList();
    }
  }

  /**
   * Uploads through the proxy, cut after {@link #CUT} bytes with no retry: the call fails.
   *
   * @return the offset the storage proxy then reports (tus {@code HEAD} on the recorded upload)
   */
  private static long failedUpload(
      CuttingProxy proxy, VFolders vf, String folder, Path src, TransferOptions o)
      throws Exception {
    int cuts = proxy.cuts();
    proxy.cutAfter(Direction.UP, CUT);
    BackendIoException e =
        assertThrows(BackendIoException.class, () -> vf.upload(folder, src, "big.bin", o));
    assertTrue(e.transportKind().isPresent(), e.toString());
    assertEquals(cuts + 1, proxy.cuts());
    List<Path> recs = records(o.stateDir());
    assertEquals(1, recs.size(), recs.toString());
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(recs.get(0))) {
      p.load(in);
    }
    URI uri = URI.create(p.getProperty("url") + "?token="
        + URLEncoder.encode(p.getProperty("token"), StandardCharsets.UTF_8));
    HttpResponse<Void> head = HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Tus-Resumable", "1.0.0")
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode());
    long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
    assertTrue(offset > 0 && offset <= CUT, "offset " + offset);
    return offset;
  }

  /**
   * A resumed upload sends what the server lacked and no more (plus the requests' headers): a fresh
   * one would send all {@link #SIZE} bytes again.
   */
  private static void assertResumed(long sent, long serverHad, String when) {
    System.out.println("[vfresume] resumed upload " + when + ": sent " + sent + " bytes of " + SIZE
        + " (the server had " + serverHad + ")");
    assertTrue(
        sent <= SIZE - serverHad + 16 * 1024,
        "sent " + sent + " of " + SIZE + " bytes " + when + "; the server had " + serverHad);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"apache", "jdk"})
  void aLaterCallResumesACutUpload(String adapter) throws Exception {
    try (CuttingProxy proxy = CuttingProxy.to(config(V9).build().endpoint().getPort())) {
      VFolders vf = open(adapter, Mode.SYNC, config(V9).endpoint(proxy.uri()).build())
          .session()
          .vfolders();
      String name = "resume-" + Long.toHexString(System.nanoTime());
      vf.create(name);
      Path src = random("big.bin", SIZE, 11);
      String expected = VFolderMatrixTest.sha256(src);
      Path state = tmp.resolve("state");
      TransferOptions o = once(state);

      long had = failedUpload(proxy, vf, name, src, o);
      List<Path> recs = records(state);
      assertEquals(1, recs.size(), recs.toString());
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        assertEquals(
            "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(recs.get(0))));
        assertEquals(
            "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
      }

      // a new session (a new process, as far as the SDK is concerned) goes on from the server's
      // offset
      VFolders later = open(adapter, Mode.SYNC, config(V9).endpoint(proxy.uri()).build())
          .session()
          .vfolders();
      long before = proxy.bytes(Direction.UP);
      TransferResult r = later.upload(name, src, "big.bin", o);
      long sent = proxy.bytes(Direction.UP) - before;
      assertResumed(sent, had, "in a later call");
      assertEquals(1, r.resumes());
      assertEquals(expected, r.sha256());
      assertEquals(List.of(), records(state), "the record goes once the upload completed");
      Path back = tmp.resolve("back.bin");
      later.download(name, "big.bin", back, TransferOptions.defaults());
      assertEquals(expected, VFolderMatrixTest.sha256(back));

      // a file changed since (same size, new mtime) does not match its record: all of it is sent
      failedUpload(proxy, vf, name, src, o);
      Files.setLastModifiedTime(src, FileTime.fromMillis(System.currentTimeMillis() + 5000));
      before = proxy.bytes(Direction.UP);
      r = later.upload(name, src, "big.bin", o.toBuilder().overwrite(true).build());
      assertTrue(proxy.bytes(Direction.UP) - before >= SIZE);
      assertEquals(0, r.resumes());
      assertEquals(expected, r.sha256());
      assertEquals(1, records(state).size(), "the stale record is left to pruning");
      for (Path p : records(state)) {
        Files.delete(p);
      }

      // a record whose token the server no longer accepts (expired): a fresh upload
      failedUpload(proxy, vf, name, src, o);
      Path rec = records(state).get(0);
      List<String> lines = Files.readAllLines(rec).stream()
          .map(l -> l.startsWith("token=") ? "token=expired.bogus.token" : l)
          .toList();
      Files.write(rec, lines);
      before = proxy.bytes(Direction.UP);
      r = later.upload(name, src, "big.bin", o);
      assertTrue(proxy.bytes(Direction.UP) - before >= SIZE);
      assertEquals(expected, r.sha256());
      assertEquals(List.of(), records(state));

      // resume off keeps no record
      proxy.cutAfter(Direction.UP, CUT);
      assertThrows(
          BackendIoException.class,
          () -> vf.upload(name, src, "big.bin", o.toBuilder().resume(false).build()));
      assertEquals(List.of(), records(state));
      vf.delete(name);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"apache", "jdk"})
  void aRecordFollowsTheFolderNotItsName(String adapter) throws Exception {
    try (CuttingProxy proxy = CuttingProxy.to(config(V9).build().endpoint().getPort())) {
      VFolders vf = open(adapter, Mode.SYNC, config(V9).endpoint(proxy.uri()).build())
          .session()
          .vfolders();
      String name = "byid-" + Long.toHexString(System.nanoTime());
      String id = vf.create(name).id();
      Path src = random("big.bin", SIZE, 14);
      String expected = VFolderMatrixTest.sha256(src);
      Path state = tmp.resolve("state");
      TransferOptions o = once(state);

      // cut while named by its name, resumed when named by its id
      long had = failedUpload(proxy, vf, name, src, o);
      long before = proxy.bytes(Direction.UP);
      TransferResult r = vf.upload(id, src, "big.bin", o);
      assertResumed(proxy.bytes(Direction.UP) - before, had, "by the folder's id");
      assertEquals(1, r.resumes());
      assertEquals(expected, r.sha256());
      assertEquals(List.of(), records(state));

      // cut again, then the folder is renamed and a new one takes its name: the new folder's
      // upload starts afresh (the record's token would write into the renamed folder) ...
      had = failedUpload(proxy, vf, name, src, o);
      String renamed = name + "-old";
      vf.rename(name, renamed);
      vf.create(name);
      before = proxy.bytes(Direction.UP);
      r = vf.upload(name, src, "big.bin", o);
      assertTrue(proxy.bytes(Direction.UP) - before >= SIZE, "the new folder starts afresh");
      assertEquals(0, r.resumes());
      assertEquals(1, records(state).size(), "the renamed folder's record stays");
      // ... while the renamed folder, under its new name, goes on with its own
      before = proxy.bytes(Direction.UP);
      r = vf.upload(renamed, src, "big.bin", o);
      assertResumed(proxy.bytes(Direction.UP) - before, had, "after the folder was renamed");
      assertEquals(1, r.resumes());
      assertEquals(List.of(), records(state));
      for (String f : List.of(name, renamed)) {
        Path back = tmp.resolve(f + ".bin");
        vf.download(f, "big.bin", back, TransferOptions.defaults());
        assertEquals(expected, VFolderMatrixTest.sha256(back), f);
        vf.delete(f);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"apache", "jdk"})
  void transfersResumeAfterTheServerRestarted(String adapter) throws Exception {
    Path serverState = tmp.resolve("server");
    Path state = tmp.resolve("state");
    String ak = "AKIARESTARTTEST00001";
    String sk = "restart-test-secret-key-0123456789abcdef";
    LocalServer first = LocalServer.builder()
        .port(0)
        .stateDir(serverState)
        .accessKey(ak)
        .secretKey(sk)
        .start();
    int port = first.port();
    Path src = random("big.bin", SIZE, 12);
    String expected = VFolderMatrixTest.sha256(src);
    Path dst = tmp.resolve("big.out");
    String name = "restart-" + Long.toHexString(System.nanoTime());
    try (CuttingProxy proxy = CuttingProxy.to(port)) {
      Config c = Config.builder()
          .endpoint(proxy.uri())
          .accessKey(ak)
          .secretKey(sk)
          .apiVersion(V9)
          .maxRetries(0)
          .build();
      long part;
      long had;
      try {
        VFolders vf = open(adapter, Mode.SYNC, c).session().vfolders();
        vf.create(name);
        vf.upload(name, src, "whole.bin", TransferOptions.defaults());
        had = failedUpload(proxy, vf, name, src, once(state));
        // the download stops once 1 MiB reached the part file: cancelled, not cut, because a
        // cut may reach the JDK client before it hands over the response (then no part exists)
        CancelToken stop = new CancelToken();
        assertThrows(
            BackendIoException.class,
            () -> vf.download(
                name,
                "whole.bin",
                dst,
                TransferOptions.builder()
                    .maxRetries(0)
                    .stateDir(state)
                    .cancelToken(stop)
                    .progress((n, t) -> {
                      if (n >= 1024 * 1024) {
                        stop.cancel();
                      }
                    })
                    .build()));
        part = Files.size(tmp.resolve("big.out.part"));
        assertTrue(part > 0, "part " + part);
      } finally {
        first.close();
      }

      try (LocalServer second = LocalServer.builder()
          .port(port)
          .stateDir(serverState)
          .accessKey(ak)
          .secretKey(sk)
          .start()) {
        VFolders vf = open(adapter, Mode.SYNC, c).session().vfolders();
        long before = proxy.bytes(Direction.UP);
        TransferResult up = vf.upload(name, src, "big.bin", once(state));
        assertResumed(proxy.bytes(Direction.UP) - before, had, "after the restart");
        assertEquals(1, up.resumes());
        assertEquals(expected, up.sha256());

        before = proxy.bytes(Direction.DOWN);
        TransferResult down = vf.download(name, "whole.bin", dst, once(state));
        long received = proxy.bytes(Direction.DOWN) - before;
        System.out.println("[vfresume] resumed download after the restart: " + received
            + " bytes of " + SIZE + " (part " + part + ")");
        // only what the part lacked comes again (the adapters buffer: the part may be short of CUT)
        assertTrue(
            received < SIZE - part + 64 * 1024, "received " + received + " with a part of " + part);
        assertEquals(1, down.resumes());
        assertEquals(expected, VFolderMatrixTest.sha256(dst));

        Path back = tmp.resolve("back.bin");
        vf.download(name, "big.bin", back, TransferOptions.defaults());
        assertEquals(expected, VFolderMatrixTest.sha256(back));
        assertEquals(List.of(), records(state));
        vf.delete(name);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"apache", "jdk"})
  void storageProxyUrlsAreOverridden(String adapter) throws Exception {
    LocalServer s = server.server();
    try (CuttingProxy forwarder = CuttingProxy.to(s.port())) {
      // the manager routes go straight to the server, the storage-proxy URLs via the forwarder
      Config c = config(V9)
          .storageProxyOverrides(Map.of(s.uri().toString(), forwarder.uri().toString()))
          .build();
      VFolders vf = open(adapter, Mode.SYNC, c).session().vfolders();
      String name = "override-" + Long.toHexString(System.nanoTime());
      vf.create(name);
      assertEquals(0, forwarder.connections());
      Path src = random("o.bin", 1024 * 1024 + 3, 13);
      String expected = VFolderMatrixTest.sha256(src);
      assertEquals(
          expected, vf.upload(name, src, "o.bin", TransferOptions.defaults()).sha256());
      assertTrue(forwarder.bytes(Direction.UP) >= Files.size(src));
      Path back = tmp.resolve("o.out");
      vf.download(name, "o.bin", back, TransferOptions.defaults());
      assertTrue(forwarder.bytes(Direction.DOWN) >= Files.size(src));
      assertEquals(expected, VFolderMatrixTest.sha256(back));
      // a cut on the overridden path is resumed like any other
      forwarder.cutAfter(Direction.DOWN, 300_000);
      TransferResult again = vf.download(
          name,
          "o.bin",
          back,
          TransferOptions.builder()
              .overwrite(true)
              .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
              .build());
      assertEquals(1, forwarder.cuts());
      assertTrue(again.resumes() >= 1);
      assertEquals(expected, VFolderMatrixTest.sha256(back));
      vf.delete(name);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"apache", "jdk"})
  void v9MountsAreSentByIdToo(String adapter) throws Exception {
    List<String> paths = new CopyOnWriteArrayList<>();
    try (Session s = Session.builder()
        .config(config(V9).build())
        .transportName(adapter)
        .addInterceptor(new RequestInterceptor() {
          @Override
          public ai.backend.client.port.HttpHeaders onRequest(Attempt a) {
            paths.add(a.method() + " " + a.uri().getRawPath());
            return ai.backend.client.port.HttpHeaders.empty();
          }
        })
        .build()) {
      VFolders vf = s.vfolders();
      String name = "ids-" + Long.toHexString(System.nanoTime());
      String id = vf.create(name).id();
      Files.writeString(tmp.resolve("in.txt"), "by id");
      vf.upload(name, tmp.resolve("in.txt"), "in.txt", TransferOptions.defaults());
      Kernel k =
          Kernel.getOrCreate(s, "python", KernelOptions.builder().mount(name).build());
      try {
        ExecutionResult r = k.execute("print(open('" + name + "/in.txt').read())");
        assertTrue(r.stdout().contains("by id"), r.stdout() + r.stderr());
      } finally {
        k.destroy();
      }
      assertTrue(paths.contains("GET /folders/_/id"), paths.toString());
      // the async create resolves the ids the same way
      paths.clear();
      AsyncKernel ak = AsyncKernel.getOrCreate(
              s.async(),
              "python",
              KernelOptions.builder().mount(name + "=/home/work/x").build())
          .get(60, TimeUnit.SECONDS);
      try {
        ExecutionResult r = ak.execute("print(open('x/in.txt').read())").get(60, TimeUnit.SECONDS);
        assertTrue(r.stdout().contains("by id"), r.stdout() + r.stderr());
      } finally {
        ak.destroy().get(60, TimeUnit.SECONDS);
      }
      assertTrue(paths.contains("GET /folders/_/id"), paths.toString());
      assertTrue(id != null && !id.isEmpty());
      vf.delete(name);
    }
    assertFalse(paths.isEmpty());
  }
}
