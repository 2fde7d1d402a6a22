package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.engine.ProcessExecutionEngine;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders outliving the server and the sessions that mount them. */
class FolderMountTest {
  static final String V4 = "v4.20190315";
  static final String V9 = "v9.20250722";
  static final String AK = "AKIAFOLDERTEST000001";
  static final String SK = "folder-test-secret-key-0123456789abcdefgh";

  @TempDir
  Path state;

  private LocalServer start() {
    return LocalServer.builder()
        .port(0)
        .stateDir(state)
        .accessKey(AK)
        .secretKey(SK)
        .start();
  }

  @Test
  void foldersSurviveARestartWithTheSameStateDir() throws Exception {
    String id;
    try (LocalServer s = start()) {
      TestClient c = TestClient.of(s);
      id = c.call("POST", "/folders", V9, "{\"name\": \"keep\", \"permission\": \"rw\"}")
          .json()
          .get("id")
          .getAsString();
      c.call("POST", "/folders", V9, "{\"name\": \"binned\"}");
      assertEquals(204, c.call("DELETE", "/folders/binned", V9, null).status());
      Files.writeString(s.folders().root(s.folders().find(AK, "keep")).resolve("f.txt"), "kept");
    }
    assertTrue(Files.isRegularFile(state.resolve("folders").resolve(id).resolve("folder.json")));
    try (LocalServer s = start()) {
      TestClient c = TestClient.of(s);
      TestClient.Resp r = c.call("GET", "/folders/keep", V9, null);
      assertEquals(200, r.status(), r.text());
      assertEquals(id, r.json().get("id").getAsString());
      assertEquals(1, r.json().get("num_files").getAsInt());
      assertEquals(
          "delete-pending",
          c.call("GET", "/folders/binned", V9, null).json().get("status").getAsString());
      // names stay taken across the restart
      assertEquals(400, c.call("POST", "/folders", V4, "{\"name\": \"keep\"}").status());
    }
  }

  @Test
  void aSessionReadsAndWritesMountedFoldersAndDestroyLeavesThemIntact() throws Exception {
    try (LocalServer s = start()) {
      TestClient c = TestClient.of(s);
      String id = c.call("POST", "/folders", V9, "{\"name\": \"inputs\"}")
          .json()
          .get("id")
          .getAsString();
      c.call("POST", "/folders", V9, "{\"name\": \"results\"}");
      Path in = s.folders().root(s.folders().find(AK, "inputs"));
      Path out = s.folders().root(s.folders().find(AK, "results"));
      Files.createDirectories(in.resolve("deep/er"));
      Files.writeString(in.resolve("data.txt"), "41");
      Files.writeString(in.resolve("deep/er/keep.txt"), "deep");

      // by ID with a mapped path (v9), and by name at the default path; the SDK sends the name
      // and the ID of one folder together: it is mounted once
      JsonObject config = new JsonObject();
      config.add("mounts", com.google.gson.JsonParser.parseString("[\"inputs\", \"results\"]"));
      config.add("mount_ids", com.google.gson.JsonParser.parseString("[\"" + id + "\"]"));
      config.add(
          "mount_id_map",
          com.google.gson.JsonParser.parseString("{\"" + id + "\": \"/home/work/data/in\"}"));
      JsonObject body = new JsonObject();
      body.addProperty("image", "python");
      body.addProperty("name", "mounter");
      body.add("config", config);
      TestClient.Resp r = c.call("POST", "/session", V9, body.toString());
      assertEquals(201, r.status(), r.text());

      ExecSteps steps = new ExecSteps(c, "/session/mounter", V9);
      JsonObject res = steps.query("import os\n"
          + "n = int(open('data/in/data.txt').read())\n"
          + "open('results/answer.txt', 'w').write(str(n + 1))\n"
          + "print(os.path.islink('data/in'), os.path.exists('inputs'))");
      assertEquals("True False\n", ExecSteps.stdout(res), res.toString());
      assertEquals("42", Files.readString(out.resolve("answer.txt")));

      Path workDir = s.sessions().find(AK, "mounter").orElseThrow().workDir();
      assertTrue(Files.isSymbolicLink(workDir.resolve("results")));
      assertEquals(200, c.call("DELETE", "/session/mounter", V9, null).status());
      // the work directory went, the folders' files did not
      assertEquals("41", Files.readString(in.resolve("data.txt")));
      assertEquals("deep", Files.readString(in.resolve("deep/er/keep.txt")));
      assertEquals("42", Files.readString(out.resolve("answer.txt")));
      assertFalse(Files.exists(workDir));
    }
  }

  @Test
  void v4MountsByName() throws Exception {
    try (LocalServer s = start()) {
      TestClient c = TestClient.of(s);
      c.call("POST", "/folders", V4, "{\"name\": \"v4mnt\"}");
      Files.writeString(s.folders().root(s.folders().find(AK, "v4mnt")).resolve("x.txt"), "v4!");
      TestClient.Resp r = c.call(
          "POST",
          "/kernel/create",
          V4,
          "{\"lang\": \"python\", \"clientSessionToken\": \"v4-mounter\","
              + " \"config\": {\"mounts\": [\"v4mnt\"]}}");
      assertEquals(201, r.status(), r.text());
      JsonObject res =
          new ExecSteps(c, "/kernel/v4-mounter", V4).query("print(open('v4mnt/x.txt').read())");
      assertEquals("v4!\n", ExecSteps.stdout(res));
      assertEquals(200, c.call("DELETE", "/kernel/v4-mounter", V4, null).status());
      assertEquals(
          "v4!",
          Files.readString(s.folders().root(s.folders().find(AK, "v4mnt")).resolve("x.txt")));
    }
  }

  @Test
  void anUnknownOrTrashedFolderIsA404AndNoSession() throws Exception {
    try (LocalServer s = start()) {
      TestClient c = TestClient.of(s);
      TestClient.Resp r = c.call(
          "POST",
          "/session",
          V9,
          "{\"image\": \"python\", \"name\": \"nomount\", \"config\": {\"mounts\": [\"nope\"]}}");
      assertEquals(404, r.status(), r.text());
      assertEquals("vfolder-not-found", r.type());
      assertEquals(404, c.call("GET", "/session/nomount", V9, null).status());

      c.call("POST", "/folders", V9, "{\"name\": \"trashed\"}");
      c.call("DELETE", "/folders/trashed", V9, null);
      r = c.call(
          "POST",
          "/session",
          V9,
          "{\"image\": \"python\", \"name\": \"nomount\", \"config\": {\"mounts\": [\"trashed\"]}}");
      assertEquals(404, r.status(), r.text());

      c.call("POST", "/folders", V9, "{\"name\": \"ok\"}");
      r = c.call(
          "POST",
          "/session",
          V9,
          "{\"image\": \"python\", \"name\": \"nomount\", \"config\": {\"mounts\": [\"ok\"],"
              + " \"mount_map\": {\"ok\": \"/etc/ok\"}}}");
      assertEquals(400, r.status(), "only under /home/work: " + r.text());
      r = c.call(
          "POST",
          "/session",
          V9,
          "{\"image\": \"python\", \"name\": \"nomount\", \"config\": {\"mounts\": [\"ok\"],"
              + " \"mount_map\": {\"ok\": \"../ok\"}}}");
      assertEquals(400, r.status(), r.text());
      assertEquals(404, c.call("GET", "/session/nomount", V9, null).status());
      assertFalse(s.sessions().findAny(AK, "nomount").isPresent());
    }
  }

  /**
   * {@code permission: ro} holds inside the session, for the interpreter, its children and batch
   * steps alike, while the folder stays writable outside it (another session mounting it
   * read-write, the server). Where this machine cannot enforce it, the mount is refused.
   */
  @Test
  void aReadOnlyMountRefusesWritesInsideTheSessionOnly() throws Exception {
    Optional<String> unavailable;
    try (ProcessExecutionEngine e = ProcessExecutionEngine.create()) {
      unavailable = e.readOnlyMountsUnavailable();
    }
    try (LocalServer s = start()) {
      TestClient c = TestClient.of(s);
      c.call("POST", "/folders", V9, "{\"name\": \"shelf\"}");
      c.call("POST", "/folders", V9, "{\"name\": \"desk\"}");
      Path shelf = s.folders().root(s.folders().find(AK, "shelf"));
      Path desk = s.folders().root(s.folders().find(AK, "desk"));
      Files.writeString(shelf.resolve("book.txt"), "read me");
      String body = "{\"image\": \"python\", \"name\": \"reader\", \"config\": {\"mounts\":"
          + " [\"shelf\", \"desk\"], \"mount_options\": {\"shelf\": {\"permission\": \"ro\"}}}}";
      TestClient.Resp r = c.call("POST", "/session", V9, body);
      if (unavailable.isPresent()) {
        assertEquals(400, r.status(), r.text());
        assertTrue(r.text().contains("Read-only folder mounts"), r.text());
        assertFalse(s.sessions().findAny(AK, "reader").isPresent());
        return;
      }
      assertEquals(201, r.status(), r.text());
      ExecSteps steps = new ExecSteps(c, "/session/reader", V9);
      JsonObject res = steps.query("import errno, os, subprocess\n"
          + "def attempt(path):\n"
          + "    try:\n"
          + "        open(path, 'w').write('x')\n"
          + "        return 'wrote'\n"
          + "    except OSError as e:\n"
          + "        return errno.errorcode[e.errno]\n"
          + "print(open('shelf/book.txt').read())\n"
          + "print(attempt('shelf/new.txt'), attempt(os.path.realpath('shelf') + '/real.txt'),"
          + " attempt('desk/new.txt'))\n"
          + "print(subprocess.run(['sh', '-c', 'echo x > shelf/child.txt'], stderr=subprocess.DEVNULL).returncode != 0)\n"
          + "print(os.getuid() == " + uid() + ")");
      assertEquals(
          "read me\nEROFS EROFS wrote\nTrue\nTrue\n", ExecSteps.stdout(res), res.toString());
      JsonObject opts = new JsonObject();
      opts.addProperty("exec", "sh -c 'echo x > shelf/step.txt'");
      JsonObject step = steps.batch(opts);
      for (int i = 0; i < 3 && !ExecSteps.status(step).equals("finished"); i++) {
        step = steps.next(); // build-finished (nothing to build), then the exec step
      }
      assertTrue(
          ExecSteps.exitCode(step) != null && ExecSteps.exitCode(step) != 0, step.toString());

      // the same folder read-write in another session, and from the server's side, meanwhile
      r = c.call(
          "POST",
          "/session",
          V9,
          "{\"image\": \"python\", \"name\": \"writer\", \"config\": {\"mounts\": [\"shelf\"]}}");
      assertEquals(201, r.status(), r.text());
      res = new ExecSteps(c, "/session/writer", V9).query("open('shelf/new.txt', 'w').write('ok')");
      assertEquals("finished", ExecSteps.status(res), res.toString());
      Files.writeString(shelf.resolve("server.txt"), "ok");
      try (var files = Files.list(shelf)) {
        assertEquals(
            java.util.Set.of("book.txt", "new.txt", "server.txt"),
            files
                .map(f -> f.getFileName().toString())
                .collect(java.util.stream.Collectors.toSet()));
      }
      assertEquals("x", Files.readString(desk.resolve("new.txt")));
      assertEquals(200, c.call("DELETE", "/session/reader", V9, null).status());
      assertEquals(200, c.call("DELETE", "/session/writer", V9, null).status());
    }
  }

  private static long uid() throws java.io.IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
  }
}
