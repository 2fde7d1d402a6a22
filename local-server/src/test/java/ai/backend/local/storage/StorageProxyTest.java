package ai.backend.local.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.api.ApiException;
import ai.backend.local.api.TestClient;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage-proxy flow over real HTTP: request-upload/request-download on the manager routes,
 * then tus and Range/zip on the storage-proxy endpoints, with a temp-dir {@link FolderResolver}.
 */
class StorageProxyTest {
  static final String V = "v9.20250722";

  @TempDir
  static Path tmp;

  static Path state;
  static Path outside;
  static TempFolders folders;
  static LocalServer server;
  static TestClient client;
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Folders in a temp dir: {@code data} (rw), {@code ro} (read-only). */
  static final class TempFolders implements FolderResolver {
    final Map<String, ResolvedFolder> byName = new TreeMap<>();

    TempFolders(Path base) throws IOException {
      add(base, "data", "0123456789abcdef0123456789abcdef", true);
      add(base, "ro", "fedcba9876543210fedcba9876543210", false);
    }

    private void add(Path base, String name, String id, boolean writable) throws IOException {
      byName.put(
          name,
          new ResolvedFolder(id, name, Files.createDirectories(base.resolve(name)), writable));
    }

    Path root(String name) {
      return byName.get(name).root();
    }

    @Override
    public ResolvedFolder resolve(String nameOrId, String accessKey) throws ApiException {
      for (ResolvedFolder f : byName.values()) {
        if (f.name().equals(nameOrId) || f.id().equals(nameOrId)) {
          return f;
        }
      }
      throw new ApiException(404, "vfolder-not-found", "No such virtual folder.", null, null);
    }
  }

  @BeforeAll
  static void start() throws IOException {
    state = Files.createDirectories(tmp.resolve("state"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "top secret");
    folders = new TempFolders(tmp.resolve("folders"));
    server = startServer();
    client = TestClient.of(server);
  }

  static LocalServer startServer() {
    return LocalServer.builder()
        .port(0)
        .stateDir(state)
        .folderResolver(folders)
        .bodyIdleTimeout(Duration.ofSeconds(5))
        .start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  record Ticket(String token, String url) {
    URI uri() {
      return URI.create(url + "?token=" + token);
    }

    /** The same endpoint on another server (after a restart on a new port). */
    URI on(LocalServer s) {
      URI u = URI.create(url);
      return URI.create(s.uri() + u.getPath() + "?token=" + token);
    }
  }

  static Ticket requestUpload(String folder, String path, long size) throws Exception {
    TestClient.Resp r = client.call(
        "POST",
        "/folders/" + folder + "/request-upload",
        V,
        "{\"path\":\"" + path + "\",\"size\":" + size + "}");
    assertEquals(200, r.status(), r.text());
    JsonObject o = r.json();
    return new Ticket(o.get("token").getAsString(), o.get("url").getAsString());
  }

  static TestClient.Resp manager(String route, String json) throws Exception {
    return client.call("POST", route, V, json);
  }

  static Ticket requestDownload(String folder, String path, boolean archive) throws Exception {
    TestClient.Resp r = manager(
        "/folders/" + folder + "/request-download",
        "{\"path\":\"" + path + "\",\"archive\":" + archive + "}");
    assertEquals(200, r.status(), r.text());
    JsonObject o = r.json();
    return new Ticket(o.get("token").getAsString(), o.get("url").getAsString());
  }

  static HttpResponse<byte[]> send(URI uri, String method, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<byte[]> patch(URI uri, long offset, byte[] body) throws Exception {
    return send(
        uri,
        "PATCH",
        body,
        "Tus-Resumable",
        "1.0.0",
        "Content-Type",
        "application/offset+octet-stream",
        "Upload-Offset",
        Long.toString(offset));
  }

  static long headOffset(URI uri) throws Exception {
    HttpResponse<byte[]> r = send(uri, "HEAD", null, "Tus-Resumable", "1.0.0");
    assertEquals(200, r.statusCode());
    return Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return Base64.getEncoder()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String type(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  // --- upload
  // -------------------------------------------------------------------------------------

  @Test
  void uploadInTwoPatchesLandsByteIdentical() throws Exception {
    byte[] data = random(3 << 20, 1);
    Ticket t = requestUpload("data", "in/deep/halves.bin", data.length);
    assertTrue(t.url().startsWith(server.uri() + StorageProxy.PREFIX + "/upload"), t.url());

    HttpResponse<byte[]> opts = send(URI.create(t.url()), "OPTIONS", null);
    assertEquals("1.0.0", opts.headers().firstValue("Tus-Version").orElseThrow());
    assertEquals("1.0.0", opts.headers().firstValue("Tus-Resumable").orElseThrow());
    assertTrue(opts.headers().firstValue("Tus-Extension").isPresent());

    HttpResponse<byte[]> head = send(t.uri(), "HEAD", null, "Tus-Resumable", "1.0.0");
    assertEquals(200, head.statusCode());
    assertEquals("0", head.headers().firstValue("Upload-Offset").orElseThrow());
    assertEquals(
        Integer.toString(data.length),
        head.headers().firstValue("Upload-Length").orElseThrow());
    assertEquals("no-store", head.headers().firstValue("Cache-Control").orElseThrow());

    int half = data.length / 2;
    HttpResponse<byte[]> p1 = patch(t.uri(), 0, Arrays.copyOfRange(data, 0, half));
    assertEquals(204, p1.statusCode(), type(p1));
    assertEquals(
        Integer.toString(half), p1.headers().firstValue("Upload-Offset").orElseThrow());
    assertEquals(half, headOffset(t.uri()));
    assertFalse(Files.exists(folders.root("data").resolve("in/deep/halves.bin")));

    HttpResponse<byte[]> p2 = patch(t.uri(), half, Arrays.copyOfRange(data, half, data.length));
    assertEquals(204, p2.statusCode(), type(p2));
    assertEquals(
        Integer.toString(data.length), p2.headers().firstValue("Upload-Offset").orElseThrow());
    Path landed = folders.root("data").resolve("in/deep/halves.bin");
    assertEquals(sha256(data), sha256(Files.readAllBytes(landed)));
    // a client that lost the last answer learns that the upload completed
    assertEquals(data.length, headOffset(t.uri()));
    assertFalse(Files.exists(state.resolve("storage-proxy/uploads/" + sessionOf(t) + ".part")));
  }

  static String sessionOf(Ticket t) {
    String payload = t.token().split("\\.")[1];
    JsonObject o = com.google.gson.JsonParser.parseString(
            new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
        .getAsJsonObject();
    return o.get("session").getAsString();
  }

  @Test
  void emptyFileUploadsWithOneEmptyPatch() throws Exception {
    Ticket t = requestUpload("data", "empty.bin", 0);
    HttpResponse<byte[]> r = patch(t.uri(), 0, new byte[0]);
    assertEquals(204, r.statusCode(), type(r));
    assertEquals(0, Files.size(folders.root("data").resolve("empty.bin")));
  }

  @Test
  void tusPreconditionsAreChecked() throws Exception {
    byte[] data = random(1000, 2);
    Ticket t = requestUpload("data", "pre.bin", data.length);
    HttpResponse<byte[]> wrong = patch(t.uri(), 10, data);
    assertEquals(409, wrong.statusCode());
    assertEquals("0", wrong.headers().firstValue("Upload-Offset").orElseThrow());

    HttpResponse<byte[]> noTus = send(
        t.uri(),
        "PATCH",
        data,
        "Content-Type",
        "application/offset+octet-stream",
        "Upload-Offset",
        "0");
    assertEquals(412, noTus.statusCode());
    assertEquals("1.0.0", noTus.headers().firstValue("Tus-Version").orElseThrow());

    HttpResponse<byte[]> badType = send(
        t.uri(),
        "PATCH",
        data,
        "Tus-Resumable",
        "1.0.0",
        "Content-Type",
        "application/octet-stream",
        "Upload-Offset",
        "0");
    assertEquals(415, badType.statusCode());

    HttpResponse<byte[]> tooLong = patch(t.uri(), 0, random(1001, 3));
    assertEquals(413, tooLong.statusCode());
    assertEquals(0, headOffset(t.uri()), "a refused PATCH leaves nothing behind");

    HttpResponse<byte[]> ok = patch(t.uri(), 0, data);
    assertEquals(204, ok.statusCode(), type(ok));
    assertArrayEquals(data, Files.readAllBytes(folders.root("data").resolve("pre.bin")));
  }

  @Test
  void aPatchCutMidBodyKeepsWhatArrivedAndResumes() throws Exception {
    byte[] data = random(4 << 20, 4);
    int sent = 1 << 20;
    Ticket t = requestUpload("data", "cut.bin", data.length);
    URI u = t.uri();
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      OutputStream out = s.getOutputStream();
      String head = "PATCH " + u.getRawPath() + "?" + u.getRawQuery() + " HTTP/1.1\r\n"
          + "Host: " + u.getHost() + ":" + u.getPort() + "\r\n"
          + "Tus-Resumable: 1.0.0\r\n"
          + "Content-Type: application/offset+octet-stream\r\n"
          + "Upload-Offset: 0\r\n"
          + "Content-Length: " + data.length + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(data, 0, sent);
      out.flush();
    } // closed with three quarters of the body missing
    long offset = 0;
    for (int i = 0; i < 100 && offset != sent; i++) {
      Thread.sleep(50);
      offset = headOffset(u);
    }
    assertEquals(sent, offset, "the bytes that arrived before the cut are kept");
    HttpResponse<byte[]> rest = patch(u, sent, Arrays.copyOfRange(data, sent, data.length));
    assertEquals(204, rest.statusCode(), type(rest));
    assertEquals(sha256(data), sha256(Files.readAllBytes(folders.root("data").resolve("cut.bin"))));
  }

  @Test
  void anUploadResumesAfterAServerRestart() throws Exception {
    byte[] data = random(2 << 20, 5);
    int first = 700_001;
    LocalServer a = startServer();
    Ticket t;
    try {
      TestClient ca = TestClient.of(a);
      TestClient.Resp r = ca.call(
          "POST",
          "/folders/data/request-upload",
          V,
          "{\"path\":\"restart.bin\",\"size\":" + data.length + "}");
      assertEquals(200, r.status(), r.text());
      t = new Ticket(r.json().get("token").getAsString(), r.json().get("url").getAsString());
      assertEquals(204, patch(t.on(a), 0, Arrays.copyOf(data, first)).statusCode());
    } finally {
      a.close();
    }
    LocalServer b = startServer();
    try {
      assertEquals(first, headOffset(t.on(b)));
      HttpResponse<byte[]> rest =
          patch(t.on(b), first, Arrays.copyOfRange(data, first, data.length));
      assertEquals(204, rest.statusCode(), type(rest));
    } finally {
      b.close();
    }
    assertArrayEquals(data, Files.readAllBytes(folders.root("data").resolve("restart.bin")));
  }

  @Test
  void badMissingForgedExpiredAndMisusedTokensAreRefused() throws Exception {
    Ticket t = requestUpload("data", "tokens.bin", 10);
    URI base = URI.create(t.url());
    assertEquals(401, send(base, "HEAD", null).statusCode());
    HttpResponse<byte[]> garbage = send(URI.create(t.url() + "?token=abc"), "HEAD", null);
    assertEquals(401, garbage.statusCode());

    String[] parts = t.token().split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"size\":10", "\"size\":99");
    String forged = parts[0] + "."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "." + parts[2];
    HttpResponse<byte[]> f = patch(URI.create(t.url() + "?token=" + forged), 0, new byte[10]);
    assertEquals(401, f.statusCode());
    assertTrue(type(f).contains("signature"), type(f));

    String none = Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
        + "." + parts[1] + ".";
    assertEquals(401, send(URI.create(t.url() + "?token=" + none), "HEAD", null).statusCode());

    // a token this server signed a day ago
    TransferTokens past = TransferTokens.open(
        state.resolve("storage-proxy"),
        Clock.offset(Clock.systemUTC(), StorageProxy.TOKEN_LIFETIME.plusHours(1).negated()));
    String expired = past.issue(past.claims(
        TransferTokens.Op.UPLOAD,
        folders.resolve("data", "x"),
        server.accessKey(),
        "tokens.bin",
        10,
        false,
        sessionOf(t),
        StorageProxy.TOKEN_LIFETIME));
    HttpResponse<byte[]> e = send(URI.create(t.url() + "?token=" + expired), "HEAD", null);
    assertEquals(401, e.statusCode());
    HttpResponse<byte[]> ep = patch(URI.create(t.url() + "?token=" + expired), 0, new byte[10]);
    assertEquals(401, ep.statusCode());
    assertTrue(type(ep).contains("expired"), type(ep));

    Files.writeString(folders.root("data").resolve("d.txt"), "download me");
    Ticket d = requestDownload("data", "d.txt", false);
    HttpResponse<byte[]> misuse =
        patch(URI.create(t.url() + "?token=" + d.token()), 0, new byte[10]);
    assertEquals(403, misuse.statusCode());
    HttpResponse<byte[]> misuse2 = send(URI.create(d.url() + "?token=" + t.token()), "GET", null);
    assertEquals(403, misuse2.statusCode());
    HttpResponse<byte[]> ok = send(d.uri(), "GET", null);
    assertEquals("download me", new String(ok.body(), StandardCharsets.UTF_8));
  }

  @Test
  void managerRoutesCheckFolderPermissionAndDialect() throws Exception {
    TestClient.Resp ro = manager("/folders/ro/request-upload", "{\"path\":\"x\",\"size\":1}");
    assertEquals(403, ro.status(), ro.text());
    TestClient.Resp none = manager("/folders/nope/request-upload", "{\"path\":\"x\",\"size\":1}");
    assertEquals(404, none.status());
    assertEquals("vfolder-not-found", none.type());
    TestClient.Resp v4 = client.call(
        "POST", "/folders/data/request-upload", "v4.20190315", "{\"path\":\"x\",\"size\":1}");
    assertEquals(404, v4.status());
    TestClient.Resp noSize = manager("/folders/data/request-upload", "{\"path\":\"x\"}");
    assertEquals(400, noSize.status());
    // reading a read-only folder is fine
    Files.writeString(folders.root("ro").resolve("r.txt"), "read only");
    Ticket t = requestDownload("ro", "r.txt", false);
    assertEquals(
        "read only", new String(send(t.uri(), "GET", null).body(), StandardCharsets.UTF_8));
    // the folder is named by its id too
    Ticket byId = requestDownload("fedcba9876543210fedcba9876543210", "r.txt", false);
    assertEquals(200, send(byId.uri(), "GET", null).statusCode());
  }

  // --- download
  // -----------------------------------------------------------------------------------

  @Test
  void rangesAndIfRange() throws Exception {
    byte[] data = random(1000, 6);
    Path file = folders.root("data").resolve("rangé file.bin");
    Files.write(file, data);
    Ticket t = requestDownload("data", "rangé file.bin", false);

    HttpResponse<byte[]> full = send(t.uri(), "GET", null);
    assertEquals(200, full.statusCode());
    assertArrayEquals(data, full.body());
    var h = full.headers();
    assertEquals("bytes", h.firstValue("Accept-Ranges").orElseThrow());
    assertEquals("1000", h.firstValue("Content-Length").orElseThrow());
    String etag = h.firstValue("ETag").orElseThrow();
    String lastModified = h.firstValue("Last-Modified").orElseThrow();
    String cd = h.firstValue("Content-Disposition").orElseThrow();
    assertTrue(cd.startsWith("attachment; filename=\"rang_ file.bin\""), cd);
    assertTrue(cd.contains("filename*=UTF-8''rang%C3%A9%20file.bin"), cd);

    HttpResponse<byte[]> head = send(t.uri(), "HEAD", null);
    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    assertEquals(etag, head.headers().firstValue("ETag").orElseThrow());

    assertRange(t, "bytes=10-19", data, 10, 19);
    assertRange(t, "bytes=990-", data, 990, 999);
    assertRange(t, "bytes=-5", data, 995, 999);
    assertRange(t, "bytes=900-5000", data, 900, 999);
    HttpResponse<byte[]> unsat = send(t.uri(), "GET", null, "Range", "bytes=1000-");
    assertEquals(416, unsat.statusCode());
    assertEquals("bytes */1000", unsat.headers().firstValue("Content-Range").orElseThrow());
    // several ranges: the whole file is a valid answer
    assertEquals(200, send(t.uri(), "GET", null, "Range", "bytes=0-1,5-6").statusCode());

    assertEquals(
        206, send(t.uri(), "GET", null, "Range", "bytes=0-9", "If-Range", etag).statusCode());
    assertEquals(
        206,
        send(t.uri(), "GET", null, "Range", "bytes=0-9", "If-Range", lastModified)
            .statusCode());
    HttpResponse<byte[]> stale =
        send(t.uri(), "GET", null, "Range", "bytes=0-9", "If-Range", "\"1-2\"");
    assertEquals(200, stale.statusCode());
    assertArrayEquals(data, stale.body());
    String oldDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(Instant.now().minusSeconds(86400), ZoneOffset.UTC));
    assertEquals(
        200,
        send(t.uri(), "GET", null, "Range", "bytes=0-9", "If-Range", oldDate).statusCode());
  }

  static void assertRange(Ticket t, String range, byte[] data, int from, int to) throws Exception {
    HttpResponse<byte[]> r = send(t.uri(), "GET", null, "Range", range);
    assertEquals(206, r.statusCode(), range);
    assertEquals(
        "bytes " + from + "-" + to + "/" + data.length,
        r.headers().firstValue("Content-Range").orElseThrow());
    assertArrayEquals(Arrays.copyOfRange(data, from, to + 1), r.body(), range);
  }

  @Test
  void archiveStreamsAZipOfTheDirectoryWithoutFollowingLinks() throws Exception {
    Path dir = folders.root("data").resolve("tree");
    Files.createDirectories(dir.resolve("sub"));
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("a.txt"), "alpha");
    Files.writeString(dir.resolve("sub/b.txt"), "beta");
    Files.createSymbolicLink(dir.resolve("out-file"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(dir.resolve("out-dir"), outside);

    TestClient.Resp noArchive =
        manager("/folders/data/request-download", "{\"path\":\"tree\",\"archive\":false}");
    assertEquals(400, noArchive.status());

    Ticket t = requestDownload("data", "tree", true);
    HttpResponse<byte[]> r = send(t.uri(), "GET", null);
    assertEquals(200, r.statusCode(), type(r));
    assertEquals("application/zip", r.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(r.headers()
        .firstValue("Content-Disposition")
        .orElseThrow()
        .contains("filename=\"tree.zip\""));
    Map<String, String> entries = unzip(r.body());
    assertEquals(Map.of("a.txt", "alpha", "empty/", "", "sub/", "", "sub/b.txt", "beta"), entries);

    // the whole folder, named after it
    Ticket all = requestDownload("data", "", true);
    HttpResponse<byte[]> whole = send(all.uri(), "GET", null);
    assertEquals(200, whole.statusCode());
    assertTrue(whole
        .headers()
        .firstValue("Content-Disposition")
        .orElseThrow()
        .contains("filename=\"data.zip\""));
    assertFalse(unzip(whole.body()).containsValue("top secret"));
  }

  static Map<String, String> unzip(byte[] zip) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = z.getNextEntry()) != null) {
        entries.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return entries;
  }

  // --- confinement
  // --------------------------------------------------------------------------------

  @Test
  void escapesAreRefusedWhenATokenIsAsked() throws Exception {
    Files.createSymbolicLink(folders.root("data").resolve("link-out"), outside);
    Files.createSymbolicLink(
        folders.root("data").resolve("secret-link"), outside.resolve("secret.txt"));
    for (String p : new String[] {"../x.bin", "a/../../x.bin", "/etc/x.bin", "link-out/x.bin"}) {
      TestClient.Resp r =
          manager("/folders/data/request-upload", "{\"path\":\"" + p + "\",\"size\":1}");
      assertEquals(400, r.status(), p + ": " + r.text());
      assertEquals("invalid-api-params", r.type());
    }
    for (String p : new String[] {
      "../outside/secret.txt", "/etc/passwd", "link-out/secret.txt", "secret-link", "link-out"
    }) {
      TestClient.Resp r =
          manager("/folders/data/request-download", "{\"path\":\"" + p + "\",\"archive\":true}");
      assertEquals(400, r.status(), p + ": " + r.text());
    }
    TestClient.Resp missing =
        manager("/folders/data/request-download", "{\"path\":\"no-such\",\"archive\":false}");
    assertEquals(404, missing.status());
    assertFalse(Files.exists(outside.resolve("x.bin")));
  }

  @Test
  void escapesAreRefusedAtTransferTime() throws Exception {
    Path d = Files.createDirectories(folders.root("data").resolve("later"));
    Ticket up = requestUpload("data", "later/x.bin", 4);
    Path f = folders.root("data").resolve("later-file.txt");
    Files.writeString(f, "harmless");
    Ticket down = requestDownload("data", "later-file.txt", false);

    // session code swaps in symlinks after the tokens were issued
    Files.delete(d);
    Files.createSymbolicLink(d, outside);
    Files.delete(f);
    Files.createSymbolicLink(f, outside.resolve("secret.txt"));

    HttpResponse<byte[]> u = patch(up.uri(), 0, "evil".getBytes(StandardCharsets.US_ASCII));
    assertEquals(400, u.statusCode(), type(u));
    assertFalse(Files.exists(outside.resolve("x.bin")));
    HttpResponse<byte[]> g = send(down.uri(), "GET", null);
    assertEquals(400, g.statusCode());
    assertFalse(new String(g.body(), StandardCharsets.UTF_8).contains("top secret"));

    // with the folder put right, the same token completes the upload
    Files.delete(d);
    Files.createDirectories(d);
    HttpResponse<byte[]> retry = patch(up.uri(), 4, new byte[0]);
    assertEquals(204, retry.statusCode(), type(retry));
    assertEquals("evil", Files.readString(d.resolve("x.bin")));
  }

  @Test
  void terminationDropsTheSession() throws Exception {
    Ticket t = requestUpload("data", "term.bin", 10);
    assertEquals(204, patch(t.uri(), 0, new byte[4]).statusCode());
    HttpResponse<byte[]> del = send(t.uri(), "DELETE", null, "Tus-Resumable", "1.0.0");
    assertEquals(204, del.statusCode());
    assertEquals(404, send(t.uri(), "HEAD", null).statusCode());
  }
}
