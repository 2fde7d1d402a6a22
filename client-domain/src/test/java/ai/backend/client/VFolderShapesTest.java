package ai.backend.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.UnsupportedFeatureException;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.testsupport.FakeTransport;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folder calls on the wire per dialect (spec §9.1, §9.2, §9.3). */
class VFolderShapesTest {
  static final ApiVersion V4 = ApiVersion.V4_20190315;
  static final ApiVersion V5 = ApiVersion.V5_20191215;
  static final ApiVersion V9 = ApiVersion.V9_20250722;

  private static Session session(ApiVersion v, FakeTransport t) {
    return KernelRequestShapesTest.session(v, t);
  }

  private static JsonObject body(HttpRequest r) {
    return KernelRequestShapesTest.body(r);
  }

  private static String target(HttpRequest r) {
    return KernelRequestShapesTest.target(r);
  }

  @Test
  void v4ShapesAndTheStringEncodedFileList() {
    FakeTransport t = new FakeTransport()
        .json(201, "{\"id\": \"abc\", \"name\": \"data\", \"host\": \"local\"}")
        .json(
            200,
            "[{\"name\": \"data\", \"id\": \"abc\", \"host\": \"local\", \"is_owner\": true,"
                + " \"permission\": \"rw\"}]")
        .json(
            200,
            "{\"files\": \"[{\\\"filename\\\": \\\"sub\\\", \\\"mode\\\": \\\"drwxr-xr-x\\\","
                + " \\\"size\\\": 4096}, {\\\"filename\\\": \\\"a.txt\\\", \\\"mode\\\": \\\"33188\\\","
                + " \\\"size\\\": 3}]\"}")
        .json(200, "{}")
        .json(201, "{\"msg\": \"ok\"}");
    try (Session s = session(V4, t)) {
      VFolders vf = s.vfolders();
      VFolderInfo created = vf.create("data");
      assertEquals("abc", created.id());
      List<VFolderInfo> all = vf.list();
      assertTrue(all.get(0).owner());
      assertEquals("rw", all.get(0).permission());
      List<VFolderFile> files = vf.ls("data", "./");
      assertEquals(
          List.of(
              new VFolderFile("sub", true, 4096, "drwxr-xr-x", null),
              new VFolderFile("a.txt", false, 3, "33188", null)),
          files);
      vf.rm("data", List.of("a.txt"), false);
      vf.acceptInvitation("inv1");

      List<HttpRequest> r = t.requests();
      assertEquals("POST /folders", target(r.get(0)));
      assertEquals("{\"name\":\"data\"}", body(r.get(0)).toString());
      assertEquals("GET /folders", target(r.get(1)));
      assertEquals("GET /folders/data/files?path=.", target(r.get(2)));
      assertEquals("{\"path\":\".\"}", body(r.get(2)).toString()); // v4 reads only bodies
      assertEquals("DELETE /folders/data/delete_files", target(r.get(3)));
      assertEquals("{\"files\":[\"a.txt\"],\"recursive\":false}", body(r.get(3)).toString());
      assertEquals("{\"inv_id\":\"inv1\",\"inv_ak\":\"AK\"}", body(r.get(4)).toString());
    }
  }

  @Test
  void whatV4LacksFailsBeforeSending() {
    FakeTransport t = new FakeTransport();
    try (Session s = session(V4, t)) {
      VFolders vf = s.vfolders();
      assertThrows(UnsupportedFeatureException.class, () -> vf.rename("data", "other"));
      assertThrows(UnsupportedFeatureException.class, () -> vf.mv("data", "a", "b"));
      assertThrows(UnsupportedFeatureException.class, () -> vf.purge("data"));
      assertThrows(UnsupportedFeatureException.class, () -> vf.restore("data"));
      UnsupportedFeatureException e =
          assertThrows(UnsupportedFeatureException.class, () -> vf.deleteFromTrash("data"));
      assertTrue(e.getMessage().contains("v8.20240315"), e.getMessage());
      java.util.concurrent.CompletionException async = assertThrows(
          java.util.concurrent.CompletionException.class,
          () -> s.async().vfolders().purge("data").join());
      assertTrue(async.getCause() instanceof UnsupportedFeatureException, async.toString());
      assertTrue(t.requests().isEmpty());
    }
  }

  @Test
  void unsafePathsAndNamesAreRefusedBeforeSending() {
    FakeTransport t = new FakeTransport();
    try (Session s = session(V9, t)) {
      VFolders vf = s.vfolders();
      assertThrows(InvalidArgumentException.class, () -> vf.ls("data", "../etc"));
      assertThrows(InvalidArgumentException.class, () -> vf.mkdir("data", "/abs"));
      assertThrows(InvalidArgumentException.class, () -> vf.rm("data", List.of("a/../../b"), true));
      assertThrows(InvalidArgumentException.class, () -> vf.rm("data", List.of("."), true));
      assertThrows(InvalidArgumentException.class, () -> vf.create("-bad-"));
      assertThrows(InvalidArgumentException.class, () -> vf.invite("data", "admin", List.of("u")));
      assertTrue(t.requests().isEmpty());
    }
  }

  @Test
  void currentShapesAndTheTrashById() {
    FakeTransport t = new FakeTransport()
        .json(
            201,
            "{\"id\": \"0123456789abcdef0123456789abcdef\", \"name\": \"my data\","
                + " \"usage_mode\": \"general\", \"status\": \"ready\"}")
        .json(
            200,
            "{\"items\": [{\"name\": \"a.txt\", \"type\": \"FILE\", \"size\": 3,"
                + " \"mode\": \"0o644\", \"modified\": \"2025-01-01T00:00:00\"}]}")
        .json(200, "{}")
        .json(200, "{}")
        .json(201, "{}")
        .json(200, "{\"id\": \"0123456789abcdef0123456789abcdef\", \"name\": \"mydata\"}")
        .respond(204, null, "")
        .respond(204, null, "")
        .json(
            200,
            "{\"invitations\": [{\"id\": \"i1\", \"inviter\": \"a@b\", \"perm\": \"ro\","
                + " \"state\": \"pending\", \"vfolder_id\": \"v\"}]}");
    try (Session s = session(V9, t)) {
      VFolders vf = s.vfolders();
      assertEquals("general", vf.create("mydata").usageMode());
      assertEquals(
          List.of(new VFolderFile("a.txt", false, 3, "0o644", "2025-01-01T00:00:00")),
          vf.ls("mydata", "sub/dir"));
      vf.rm("mydata", List.of("x", "y/z"), true);
      vf.mv("mydata", "a.txt", "b/a.txt");
      vf.mkdir("mydata", "b/c");
      vf.purge("mydata");
      vf.restore("0123456789abcdef0123456789abcdef"); // an id needs no lookup
      assertEquals("pending", vf.invitations().get(0).state());

      List<HttpRequest> r = t.requests();
      JsonObject create = body(r.get(0));
      assertEquals("general", create.get("usage_mode").getAsString());
      assertEquals("rw", create.get("permission").getAsString());
      assertEquals("GET /folders/mydata/files?path=sub%2Fdir", target(r.get(1)));
      assertEquals(0, r.get(1).body().contentLength()); // v9 reads the query only
      assertEquals("DELETE /folders/mydata/delete-files", target(r.get(2)));
      assertEquals("POST /folders/mydata/move-file", target(r.get(3)));
      assertEquals("{\"src\":\"a.txt\",\"dst\":\"b/a.txt\"}", body(r.get(3)).toString());
      assertEquals(
          "{\"path\":\"b/c\",\"parents\":true,\"exist_ok\":true}",
          body(r.get(4)).toString());
      assertEquals("GET /folders/_/id?name=mydata", target(r.get(5)));
      assertEquals("POST /folders/purge", target(r.get(6)));
      assertEquals(
          "{\"id\":\"0123456789abcdef0123456789abcdef\"}", body(r.get(6)).toString());
      assertEquals("POST /folders/restore-from-trash-bin", target(r.get(7)));
      assertEquals("GET /folders/invitations/list", target(r.get(8)));
    }
  }

  @Test
  void mountSpecsParse() {
    assertEquals(VFolderMount.of("data"), VFolderMount.parse("data"));
    assertEquals(new VFolderMount("data", "/in", false), VFolderMount.parse("data=/in"));
    assertEquals(new VFolderMount("data", "/in", true), VFolderMount.parse("data=/in:ro"));
    assertEquals(new VFolderMount("data", "/in", false), VFolderMount.parse("data:/in"));
    assertEquals(new VFolderMount("data", null, true), VFolderMount.parse("data:ro"));
    assertEquals(new VFolderMount("data", "/in", true), VFolderMount.parse("data:/in:RO"));
    assertEquals(
        new VFolderMount("data", "/zx", true),
        VFolderMount.parse("type=bind,source=data,target=/zx,readonly"));
    assertEquals("data=/in:ro", VFolderMount.parse("data=/in:ro").toString());
    assertThrows(InvalidArgumentException.class, () -> VFolderMount.parse("=x"));
    assertThrows(InvalidArgumentException.class, () -> VFolderMount.parse("type=volume,source=x"));
    assertThrows(InvalidArgumentException.class, () -> VFolderMount.parse("a/b"));
  }

  @Test
  void aMountNamedByItsIdIsNotResolved() {
    String id = "0123456789abcdef0123456789abcdef";
    FakeTransport t = new FakeTransport()
        .json(200, "{\"id\": \"id-data\"}")
        .json(200, "{\"id\": \"id-shared\"}")
        .json(
            201,
            "{\"sessionId\": \"s1\", \"sessionName\": \"n\", \"status\": \"RUNNING\","
                + " \"servicePorts\": [], \"created\": true}");
    try (Session s = session(V9, t)) {
      Kernel.getOrCreate(
          s, "python", KernelOptions.builder().mount(id + "=/in").mount("data").build());
      // two resolved ("shared" comes from the configuration), the id as it is, then the create
      assertEquals(3, t.requests().size());
      JsonObject cfg = body(t.requests().get(2)).getAsJsonObject("config");
      assertEquals(
          "[\"" + id + "\",\"id-data\",\"id-shared\"]", cfg.get("mount_ids").toString());
      assertEquals("{\"" + id + "\":\"/in\"}", cfg.get("mount_id_map").toString());
    }
  }

  @Test
  void mountsPerVersion() {
    KernelOptions o = KernelOptions.builder()
        .mount("data=/home/work/in:ro")
        .mount("models")
        .mount("out:/out")
        .build();
    assertEquals(List.of("data", "models", "out"), o.mounts());
    FakeTransport t = new FakeTransport()
        .json(200, "{\"id\": \"id-data\"}")
        .json(200, "{\"id\": \"id-models\"}")
        .json(200, "{\"id\": \"id-out\"}")
        .json(200, "{\"id\": \"id-shared\"}")
        .json(
            201,
            "{\"sessionId\": \"s1\", \"sessionName\": \"n\", \"status\": \"RUNNING\","
                + " \"servicePorts\": [], \"created\": true}");
    try (Session s = session(V9, t)) {
      Kernel.getOrCreate(s, "python", o);
      // v9: each name is resolved to its id (GET /folders/_/id), then both lists are sent
      for (int i = 0; i < 4; i++) {
        assertEquals("GET", t.requests().get(i).method());
        assertTrue(t.requests().get(i).uri().getRawPath().endsWith("/folders/_/id"));
      }
      assertTrue(t.requests().get(0).uri().getRawQuery().contains("name=data"));
      JsonObject cfg = body(t.requests().get(4)).getAsJsonObject("config");
      assertEquals("[\"data\",\"models\",\"out\",\"shared\"]", cfg.get("mounts").toString());
      assertEquals(
          "[\"id-data\",\"id-models\",\"id-out\",\"id-shared\"]",
          cfg.get("mount_ids").toString());
      assertEquals(
          "{\"id-data\":\"/home/work/in\",\"id-out\":\"/out\"}",
          cfg.get("mount_id_map").toString());
      assertEquals(
          "{\"data\":\"/home/work/in\",\"out\":\"/out\"}", cfg.get("mount_map").toString());
      assertEquals(
          "{\"data\":{\"permission\":\"ro\"}}", cfg.get("mount_options").toString());
    }
    FakeTransport t4 = new FakeTransport()
        .json(201, "{\"kernelId\": \"k\", \"servicePorts\": [], \"created\": true}");
    try (Session s = session(V4, t4)) {
      assertThrows(InvalidArgumentException.class, () -> Kernel.getOrCreate(s, "python", o));
      Kernel.getOrCreate(s, "python", KernelOptions.builder().mount("models").build());
      JsonObject cfg = body(t4.requests().get(0)).getAsJsonObject("config");
      assertEquals("[\"models\",\"shared\"]", cfg.get("mounts").toString());
      assertFalse(cfg.has("mount_map") || cfg.has("mount_options"));
    }
    try (Session s = session(V5, new FakeTransport())) {
      // v5 has mount_map but no mount_options: a read-only mount cannot be honoured
      assertThrows(
          InvalidArgumentException.class,
          () -> Kernel.getOrCreate(
              s, "python", KernelOptions.builder().mount("d:ro").build()));
    }
  }
}
