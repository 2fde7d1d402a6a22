package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code /folders} routes over real signed HTTP, in both dialects. */
class FolderApiTest {
  static final String V4 = "v4.20190315";
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final LocalServerExtension local = new LocalServerExtension();

  @TempDir
  static Path outside;

  private static TestClient.Resp call(String method, String target, String version, String json)
      throws Exception {
    return local.client().call(method, target, version, json);
  }

  private static String type(TestClient.Resp r) {
    return r.type();
  }

  @Test
  void v4LifeCycle() throws Exception {
    TestClient.Resp r = call("POST", "/folders", V4, "{\"name\": \"v4data\"}");
    assertEquals(201, r.status(), r.text());
    String id = r.json().get("id").getAsString();
    assertEquals(32, id.length());
    assertEquals("local", r.json().get("host").getAsString());

    r = call("POST", "/folders", V4, "{\"name\": \"v4data\"}");
    assertEquals(400, r.status());
    assertEquals("vfolder-already-exists", type(r));
    r = call("POST", "/folders", V4, "{\"name\": \"other\", \"host\": \"nfs\"}");
    assertEquals(400, r.status());
    assertEquals("vfolder-creation-failed", type(r));
    r = call("POST", "/folders", V4, "{\"name\": \"-bad\"}");
    assertEquals(400, r.status());
    assertEquals("invalid-api-params", type(r));

    r = call("GET", "/folders", V4, null);
    assertEquals(200, r.status());
    JsonObject listed = find(r.jsonElement().getAsJsonArray(), "v4data");
    assertEquals(id, listed.get("id").getAsString());
    assertTrue(listed.get("is_owner").getAsBoolean());
    assertEquals("rw", listed.get("permission").getAsString());

    assertEquals(
        201,
        call("POST", "/folders/v4data/mkdir", V4, "{\"path\": \"in/deep\"}").status());
    upload(V4, "v4data", List.of("in/a.txt", "b.bin"), List.of(bytes("alpha"), bytes("bravo!")));

    r = call("GET", "/folders/v4data", V4, null);
    assertEquals(200, r.status());
    assertEquals(2, r.json().get("numFiles").getAsInt());
    assertNotNull(r.json().get("created"));

    // times as a v4 manager's json.dumps of os.stat floats prints them (the expected texts are
    // CPython's: json.dumps(1733465665 + 123456789 * 1e-9) is 1733465665.1234567)
    Path root = folderRoot(id);
    Files.getFileAttributeView(root.resolve("in/a.txt"), BasicFileAttributeView.class)
        .setTimes(
            FileTime.from(Instant.ofEpochSecond(1544846706, 100_000_000)),
            FileTime.from(Instant.ofEpochSecond(1733465665, 123_456_789)),
            null);
    Files.setLastModifiedTime(
        root.resolve("in/deep"), FileTime.from(Instant.ofEpochSecond(1544846706)));

    // files is a JSON string (v4 shape), entries carry ls-style modes
    r = call("GET", "/folders/v4data/files", V4, "{\"path\": \"in\"}");
    assertEquals(200, r.status(), r.text());
    String raw = r.json().get("files").getAsString();
    assertTrue(raw.contains("\"mtime\":1544846706.1,"), raw);
    assertTrue(raw.contains("\"atime\":1733465665.1234567,"), raw);
    assertTrue(raw.contains("\"mtime\":1544846706.0,"), raw);
    Matcher times = Pattern.compile("\"[cma]time\":([^,}]*)").matcher(raw);
    int n = 0;
    for (; times.find(); n++) {
      assertTrue(times.group(1).matches("[0-9]+\\.[0-9]+"), raw);
    }
    assertEquals(6, n, raw);
    JsonArray files = JsonParser.parseString(raw).getAsJsonArray();
    assertEquals(2, files.size());
    JsonObject a = files.get(0).getAsJsonObject();
    assertEquals("a.txt", a.get("filename").getAsString());
    assertEquals(5, a.get("size").getAsLong());
    assertTrue(a.get("mode").getAsString().startsWith("-rw"));
    assertEquals("d", files.get(1).getAsJsonObject().get("mode").getAsString().substring(0, 1));

    Map<String, byte[]> got = download(V4, "v4data", "in/a.txt", "b.bin");
    assertArrayEquals(bytes("alpha"), got.get("a.txt"));
    assertArrayEquals(bytes("bravo!"), got.get("b.bin"));

    r = call("GET", "/folders/v4data/download", V4, "{\"files\": [\"missing.txt\"]}");
    assertEquals(404, r.status());
    r = call("GET", "/folders/v4data/download", V4, "{\"files\": [\"in\"]}");
    assertEquals(400, r.status());

    r = call(
        "DELETE",
        "/folders/v4data/delete_files",
        V4,
        "{\"files\": [\"in\"], \"recursive\": false}");
    assertEquals(400, r.status(), "a directory needs recursive");
    r = call(
        "DELETE", "/folders/v4data/delete_files", V4, "{\"files\": [\"in\"], \"recursive\": true}");
    assertEquals(200, r.status(), r.text());
    r = call("GET", "/folders/v4data/files", V4, "{\"path\": \"\"}");
    assertEquals(
        1,
        JsonParser.parseString(r.json().get("files").getAsString())
            .getAsJsonArray()
            .size());

    assertEquals(204, call("DELETE", "/folders/v4data", V4, null).status());
    r = call("GET", "/folders/v4data", V4, null);
    assertEquals(404, r.status());
    assertEquals("vfolder-not-found", type(r));
  }

  @Test
  void v4UploadStreamsLargeFilesAndCountsParts() throws Exception {
    call("POST", "/folders", V4, "{\"name\": \"big\"}");
    // 3 MiB, three times the server's body limit (buffered bodies only), with a run that looks like
    // the start of the delimiter inside
    byte[] data = new byte[3 << 20];
    new java.util.Random(7).nextBytes(data);
    byte[] trap = "\r\n--xyzboundar".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(trap, 0, data, 1 << 20, trap.length);
    upload(V4, "big", List.of("blob.bin"), List.of(data));
    assertArrayEquals(data, download(V4, "big", "blob.bin").get("blob.bin"));

    List<String> names = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      names.add("f" + i);
      contents.add(bytes("x"));
    }
    TestClient.Resp r = uploadResp(V4, "big", names, contents);
    assertEquals(400, r.status(), r.text());
    TestClient.Resp ls = call("GET", "/folders/big/files", V4, "{}");
    assertFalse(ls.json().get("files").getAsString().contains("\"f0\""), "nothing of it stored");
  }

  @Test
  void currentLifeCycleWithTrash() throws Exception {
    TestClient.Resp r =
        call("POST", "/folders", V9, "{\"name\": \"curdata\", \"usage_mode\": \"data\"}");
    assertEquals(201, r.status(), r.text());
    String id = r.json().get("id").getAsString();
    assertEquals("data", r.json().get("usage_mode").getAsString());
    assertEquals("ready", r.json().get("status").getAsString());
    assertEquals("user", r.json().get("ownership_type").getAsString());

    r = call("GET", "/folders/_/id?name=curdata", V9, null);
    assertEquals(200, r.status(), r.text());
    assertEquals(id, r.json().get("id").getAsString());

    // {name} may be the UUID hex
    r = call("GET", "/folders/" + id, V9, null);
    assertEquals(200, r.status(), r.text());
    assertEquals("curdata", r.json().get("name").getAsString());
    assertEquals(0, r.json().get("num_files").getAsInt());

    r = call(
        "POST",
        "/folders/curdata/mkdir",
        V9,
        "{\"path\": [\"a/b\", \"c\"], \"parents\": true, \"exist_ok\": false}");
    assertEquals(200, r.status(), r.text());
    assertEquals(
        2, r.json().getAsJsonObject("results").getAsJsonArray("success").size());
    r = call("POST", "/folders/curdata/mkdir", V9, "{\"path\": [\"c\", \"d\"]}");
    assertEquals(207, r.status(), r.text());
    r = call("POST", "/folders/curdata/mkdir", V9, "{\"path\": \"x/y\", \"parents\": false}");
    assertEquals(422, r.status(), r.text());

    Path root = folderRoot(id);
    Files.writeString(root.resolve("a/b/f.txt"), "hello");
    r = call(
        "POST",
        "/folders/curdata/rename-file",
        V9,
        "{\"target_path\": \"a/b/f.txt\", \"new_name\": \"g.txt\"}");
    assertEquals(200, r.status(), r.text());
    r = call("POST", "/folders/curdata/move-file", V9, "{\"src\": \"a/b/g.txt\", \"dst\": \"c\"}");
    assertEquals(200, r.status(), r.text());
    assertEquals("hello", Files.readString(root.resolve("c/g.txt")));

    r = call("GET", "/folders/curdata/files?path=c", V9, null);
    assertEquals(200, r.status(), r.text());
    JsonObject item = r.json().getAsJsonArray("items").get(0).getAsJsonObject();
    assertEquals("g.txt", item.get("name").getAsString());
    assertEquals("FILE", item.get("type").getAsString());
    assertEquals(5, item.get("size").getAsLong());
    assertNotNull(item.get("modified").getAsString());

    r = call("DELETE", "/folders/curdata/delete-files", V9, "{\"files\": [\"c/g.txt\"]}");
    assertEquals(200, r.status(), r.text());
    assertFalse(Files.exists(root.resolve("c/g.txt")));

    r = call("POST", "/folders/curdata/rename", V9, "{\"new_name\": \"renamed\"}");
    assertEquals(201, r.status(), r.text());
    assertEquals(404, call("GET", "/folders/curdata", V9, null).status());

    // trash, restore, trash again, purge
    assertEquals(204, call("DELETE", "/folders", V9, "{\"id\": \"" + id + "\"}").status());
    r = call("GET", "/folders/renamed", V9, null);
    assertEquals("delete-pending", r.json().get("status").getAsString());
    r = call("GET", "/folders/renamed/files", V9, null);
    assertEquals(400, r.status(), "no file access in the trash bin");
    assertEquals("vfolder-filter-status-failed", type(r));
    assertEquals(
        204,
        call("POST", "/folders/restore-from-trash-bin", V9, "{\"id\": \"" + id + "\"}")
            .status());
    assertEquals(
        "ready", call("GET", "/folders/renamed", V9, null).json().get("status").getAsString());
    assertEquals(
        400,
        call("POST", "/folders/purge", V9, "{\"id\": \"" + id + "\"}").status(),
        "purge needs the trash bin first");
    assertEquals(204, call("DELETE", "/folders/renamed", V9, null).status());
    assertEquals(
        204,
        call("POST", "/folders/purge", V9, "{\"vfolderId\": \"" + id + "\"}").status());
    assertEquals(404, call("GET", "/folders/" + id, V9, null).status());
    assertFalse(Files.exists(root), "purged files are gone");
  }

  @Test
  void aReadOnlyFolderRefusesWrites() throws Exception {
    TestClient.Resp r =
        call("POST", "/folders", V9, "{\"name\": \"frozen\", \"permission\": \"ro\"}");
    assertEquals(201, r.status(), r.text());
    assertEquals("ro", r.json().get("permission").getAsString());
    r = call("POST", "/folders/frozen/mkdir", V9, "{\"path\": \"x\"}");
    assertEquals(400, r.status(), r.text());
    assertEquals("vfolder-permission-error", type(r));
    r = call("POST", "/folders/frozen/delete-files", V9, "{\"files\": [\"x\"]}");
    assertEquals("vfolder-permission-error", type(r));
    assertEquals(200, call("GET", "/folders/frozen/files", V9, null).status(), "reads are fine");
    r = call("POST", "/folders", V9, "{\"name\": \"bad-perm\", \"permission\": \"rx\"}");
    assertEquals(400, r.status());
  }

  @Test
  void deleteFromTrashBinRemovesForGood() throws Exception {
    String id =
        call("POST", "/folders", V9, "{\"name\": \"bin\"}").json().get("id").getAsString();
    assertEquals(204, call("DELETE", "/folders/bin", V9, null).status());
    TestClient.Resp r = call("GET", "/folders", V9, null);
    assertEquals(
        "delete-pending",
        find(r.jsonElement().getAsJsonArray(), "bin").get("status").getAsString());
    r = call("GET", "/folders", V4, null);
    assertEquals(null, find(r.jsonElement().getAsJsonArray(), "bin"), "v4 sees no trashed folder");
    assertEquals(
        204,
        call("POST", "/folders/delete-from-trash-bin", V9, "{\"id\": \"" + id + "\"}")
            .status());
    assertEquals(
        null, find(call("GET", "/folders", V9, null).jsonElement().getAsJsonArray(), "bin"));
  }

  @Test
  void pathEscapesAreRefused() throws Exception {
    String id =
        call("POST", "/folders", V9, "{\"name\": \"jail\"}").json().get("id").getAsString();
    Path root = folderRoot(id);
    Files.writeString(outside.resolve("secret.txt"), "secret");
    // a link planted by session code, pointing out of the folder
    Files.createSymbolicLink(root.resolve("out"), outside);
    Files.createSymbolicLink(root.resolve("secret-link"), outside.resolve("secret.txt"));

    for (String bad : List.of("../x", "a/../../x", "/etc", "out/new", "out")) {
      TestClient.Resp r = call(
          "POST", "/folders/jail/mkdir", V9, "{\"path\": \"" + bad + "/made\", \"parents\": true}");
      assertEquals(422, r.status(), bad + ": " + r.text());
    }
    assertFalse(Files.exists(outside.resolve("new")));
    assertFalse(Files.exists(outside.resolve("made")));

    TestClient.Resp r = call("GET", "/folders/jail/files?path=out", V9, null);
    assertEquals(400, r.status(), r.text());
    r = call("GET", "/folders/jail/files?path=..", V9, null);
    assertEquals(400, r.status());
    assertEquals("invalid-api-params", type(r));
    r = call("POST", "/folders/jail/move-file", V9, "{\"src\": \"secret-link\", \"dst\": \"out\"}");
    assertEquals(400, r.status(), r.text());
    r = call(
        "POST", "/folders/jail/move-file", V9, "{\"src\": \"out/secret.txt\", \"dst\": \".\"}");
    assertEquals(400, r.status(), r.text());
    assertTrue(Files.exists(outside.resolve("secret.txt")));

    // v4: a download of the link is refused (not followed), an upload through it too
    call("POST", "/folders", V4, "{\"name\": \"jail4\"}");
    Path root4 =
        folderRoot(call("GET", "/folders/jail4", V4, null).json().get("id").getAsString());
    Files.createSymbolicLink(root4.resolve("secret-link"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root4.resolve("out"), outside);
    r = call("GET", "/folders/jail4/download", V4, "{\"files\": [\"secret-link\"]}");
    assertEquals(400, r.status(), r.text());
    r = uploadResp(V4, "jail4", List.of("out/evil.txt"), List.of(bytes("x")));
    assertEquals(400, r.status(), r.text());
    r = uploadResp(V4, "jail4", List.of("../evil.txt"), List.of(bytes("x")));
    assertEquals(400, r.status(), r.text());
    assertFalse(Files.exists(outside.resolve("evil.txt")));

    // deleting the link removes the link, never its target
    r = call(
        "DELETE",
        "/folders/jail4/delete_files",
        V4,
        "{\"files\": [\"out\", \"secret-link\"], \"recursive\": true}");
    assertEquals(200, r.status(), r.text());
    assertEquals("secret", Files.readString(outside.resolve("secret.txt")));
    assertFalse(Files.exists(root4.resolve("out"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void discoveryAndInvitations() throws Exception {
    for (String v : List.of(V4, V9)) {
      TestClient.Resp r = call("GET", "/folders/_/hosts", v, null);
      assertEquals(200, r.status(), r.text());
      assertEquals("local", r.json().get("default").getAsString());
      assertEquals("local", r.json().getAsJsonArray("allowed").get(0).getAsString());
      r = call("GET", "/folders/_/allowed_types", v, null);
      assertEquals("[\"user\"]", r.text());
      r = call("GET", "/folders/_/all_hosts", v, null);
      assertEquals(200, r.status(), r.text());
    }
    assertTrue(call("GET", "/folders/_/hosts", V9, null).json().has("volume_info"));

    call("POST", "/folders", V9, "{\"name\": \"shared\"}");
    TestClient.Resp r = call(
        "POST", "/folders/shared/invite", V9, "{\"perm\": \"ro\", \"user_ids\": [\"bob@x.org\"]}");
    assertEquals(404, r.status(), r.text());
    assertTrue(r.json().get("msg").getAsString().contains("bob@x.org"));
    r = call(
        "POST",
        "/folders/shared/invite",
        V4,
        "{\"perm\": \"rw\", \"user_ids\": [\"" + local.server().accessKey() + "\"]}");
    assertEquals(400, r.status(), r.text());
    r = call("GET", "/folders/invitations/list", V4, null);
    assertEquals("{\"invitations\":[]}", r.text());
    r = call("POST", "/folders/invitations/accept", V9, "{\"inv_id\": \"x\", \"inv_ak\": \"y\"}");
    assertEquals(404, r.status());
    assertEquals("vfolder-invitation-not-found", type(r));
    r = call("DELETE", "/folders/invitations/delete", V4, "{\"inv_id\": \"x\"}");
    assertEquals(404, r.status());
  }

  @Test
  void graphqlListsFolders() throws Exception {
    call("POST", "/folders", V9, "{\"name\": \"gq-one\"}");
    call("POST", "/folders", V9, "{\"name\": \"gq-two\"}");
    call("POST", "/folders", V9, "{\"name\": \"gq-three\"}");
    JsonObject q = new JsonObject();
    q.addProperty(
        "query",
        "query($f: String) { vfolder_list(limit: 2, offset: 0, filter: $f, order: \"name\") "
            + "{ total_count items { id name host status usage_mode permission num_files } } }");
    JsonObject vars = new JsonObject();
    vars.addProperty("f", "name ilike \"GQ-%\" & name != \"gq-one\"");
    q.add("variables", vars);
    TestClient.Resp r = call("POST", "/admin/gql", V9, q.toString());
    assertEquals(200, r.status(), r.text());
    JsonObject list = r.json().getAsJsonObject("data").getAsJsonObject("vfolder_list");
    assertEquals(2, list.get("total_count").getAsInt(), r.text());
    JsonArray items = list.getAsJsonArray("items");
    assertEquals("gq-three", items.get(0).getAsJsonObject().get("name").getAsString());
    assertEquals("local", items.get(0).getAsJsonObject().get("host").getAsString());

    q = new JsonObject();
    q.addProperty("query", "{ vfolders { id name host num_files cur_size } }");
    r = call("POST", "/admin/graphql", V4, q.toString());
    assertEquals(200, r.status(), r.text());
    JsonArray v4 = r.json().getAsJsonArray("vfolders");
    assertNotNull(find(v4, "gq-two"));

    q = new JsonObject();
    q.addProperty(
        "query", "{ vfolder_list(limit: 5, offset: 0, filter: \"size > 3\") { total_count } }");
    r = call("POST", "/admin/gql", V9, q.toString());
    assertTrue(r.json().has("errors"), "an unsupported filter is an error: " + r.text());
  }

  @Test
  void streamingMultipartParserHandlesTinyReads() throws Exception {
    byte[] a = new byte[70_000];
    new java.util.Random(3).nextBytes(a);
    byte[] body = ExecSteps.multipart("b0und", List.of("x/a.bin", "e"), List.of(a, new byte[0]));
    // one byte per read: every delimiter straddles reads
    java.io.InputStream slow = new java.io.FilterInputStream(new ByteArrayInputStream(body)) {
      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        return super.read(b, off, Math.min(len, 1));
      }
    };
    MultipartStream m = new MultipartStream(slow, "b0und");
    MultipartStream.Part p = m.next();
    assertEquals("x/a.bin", p.filename());
    assertArrayEquals(a, p.data().readAllBytes());
    p = m.next();
    assertEquals("e", p.filename());
    assertEquals(0, p.data().readAllBytes().length);
    assertEquals(null, m.next());

    byte[] cut = java.util.Arrays.copyOf(body, body.length - 20);
    MultipartStream broken = new MultipartStream(new ByteArrayInputStream(cut), "b0und");
    broken.next();
    org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> broken.next());
  }

  // ---- helpers ----

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static JsonObject find(JsonArray a, String name) {
    for (JsonElement e : a) {
      if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
        return e.getAsJsonObject();
      }
    }
    return null;
  }

  /** The folder's data directory (tests plant links there, as session code could). */
  static Path folderRoot(String id) throws Exception {
    ai.backend.local.folders.FolderStore store = storeOf(local);
    return store.root(store.find(local.server().accessKey(), id));
  }

  static ai.backend.local.folders.FolderStore storeOf(LocalServerExtension ext) {
    return ext.server().folders();
  }

  static void upload(String version, String folder, List<String> names, List<byte[]> contents)
      throws Exception {
    TestClient.Resp r = uploadResp(version, folder, names, contents);
    assertEquals(201, r.status(), r.text());
  }

  static TestClient.Resp uploadResp(
      String version, String folder, List<String> names, List<byte[]> contents) throws Exception {
    String boundary = "xyzboundary";
    return local
        .client()
        .send(
            "POST",
            "/folders/" + folder + "/upload",
            version,
            ExecSteps.multipart(boundary, names, contents),
            "multipart/form-data; boundary=" + boundary,
            true,
            local.server().secretKey(),
            null);
  }

  /** A v4 download: the parts' gunzipped bodies by file name; checks X-TOTAL-PAYLOADS-LENGTH. */
  static Map<String, byte[]> download(String version, String folder, String... files)
      throws Exception {
    JsonObject body = new JsonObject();
    JsonArray a = new JsonArray();
    for (String f : files) {
      a.add(f);
    }
    body.add("files", a);
    TestClient.Resp r = call("GET", "/folders/" + folder + "/download", version, body.toString());
    assertEquals(200, r.status(), r.text());
    String ct = r.headers().firstValue("Content-Type").orElseThrow();
    assertTrue(ct.startsWith("multipart/mixed"), ct);
    String boundary = ct.substring(ct.indexOf("boundary=") + 9);
    Map<String, byte[]> out = new HashMap<>();
    MultipartStream m = new MultipartStream(new ByteArrayInputStream(r.raw()), boundary);
    MultipartStream.Part p;
    long total = 0;
    while ((p = m.next()) != null) {
      assertEquals("gzip", p.headers().get("content-encoding"));
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      new GZIPInputStream(new ByteArrayInputStream(p.data().readAllBytes())).transferTo(plain);
      out.put(p.filename(), plain.toByteArray());
      total += plain.size();
    }
    assertEquals(
        Long.toString(total), r.headers().firstValue("X-TOTAL-PAYLOADS-LENGTH").orElseThrow());
    return out;
  }
}
