package ai.backend.it.cli;

import static ai.backend.it.cli.CliEndToEndTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code backend.ai vfolder …} and {@code run -m} through {@code bin/backend.ai} as processes against an
 * in-process local server, with the API version pinned by {@code BACKEND_API_VERSION} where the
 * behaviour differs (v4.20190315: direct routes; v9.20250722: storage proxy, trash).
 */
class CliVFolderTest {
  static final String V4 = "v4.20190315";
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final CliServerExtension server = new CliServerExtension();

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  Launcher cli;
  Process background;
  /** The CLI's home: unfinished uploads are recorded under it, never in the tester's. */
  @TempDir
  Path home;

  @BeforeEach
  void setUp(Launcher launcher) {
    cli = launcher.env("HOME", home.toString());
  }

  @AfterEach
  void stopBackground() throws InterruptedException {
    if (background != null && background.isAlive()) {
      background.destroyForcibly();
      background.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Launcher at(String version) {
    return cli.env("BACKEND_API_VERSION", version);
  }

  private Launcher.Result ok(String... args) throws Exception {
    Launcher.Result r = cli.cli(args);
    assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r);
    // not a terminal: no progress bar redrawn with \r, no colours
    assertFalse(r.stderr().contains("\r") || r.stderr().contains("\u001b"), r.toString());
    return r;
  }

  private Launcher.Result fails(int code, String... args) throws Exception {
    Launcher.Result r = cli.cli(args);
    assertEquals(code, r.exitCode(), String.join(" ", args) + "\n" + r);
    assertOneLineError(r);
    return r;
  }

  /** The README's walkthrough, command by command, as a shell would split it. */
  @ParameterizedTest
  @ValueSource(strings = {V4, V9})
  void readmeWalkthrough(String version, @TempDir Path work) throws Exception {
    String readme = Files.readString(Launcher.ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int at = readme.indexOf("### Virtual folders");
    assertTrue(at >= 0, "README has no Virtual folders section");
    int start = readme.indexOf("```console\n", at) + "```console\n".length();
    String block = readme.substring(start, readme.indexOf("```", start));
    Files.createDirectories(work.resolve("inputs"));
    Files.writeString(work.resolve("inputs/words.txt"), "to be or not to be\n");
    at(version).in(work);
    List<String> lines = block.lines().toList();
    int commands = 0;
    for (int i = 0; i < lines.size(); i++) {
      List<String> words = shellWords(lines.get(i).substring(2));
      List<String> expected = new ArrayList<>();
      while (i + 1 < lines.size() && !lines.get(i + 1).startsWith("$ ")) {
        expected.add(lines.get(++i));
      }
      if (words.get(0).equals("cat")) {
        assertEquals(
            String.join("\n", expected),
            Files.readString(work.resolve(words.get(1))).strip(),
            "cat " + words.get(1));
        continue;
      }
      assertEquals("backend.ai", words.get(0), lines.get(i));
      Launcher.Result r = cli.cli(words.subList(1, words.size()).toArray(String[]::new));
      assertEquals(0, r.exitCode(), words + "\n" + r);
      assertFalse(r.stderr().contains("\tat "), r.toString());
      commands++;
    }
    assertEquals(5, commands, block);
    Launcher.Result list = ok("vfolder", "list", "--output", "json");
    JsonArray folders = JsonParser.parseString(list.stdout()).getAsJsonArray();
    if (version.equals(V9)) {
      // v8.20240315+ keeps deleted folders in the trash until purged
      assertEquals("delete-pending", only(folders, "mydata").get("status").getAsString());
      ok("vfolder", "purge", "mydata");
      folders = JsonParser.parseString(ok("vfolder", "list", "--output", "json").stdout())
          .getAsJsonArray();
    }
    for (JsonElement f : folders) {
      assertFalse(f.getAsJsonObject().get("name").getAsString().equals("mydata"), list.stdout());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {V4, V9})
  void cpBothWaysAndFileCommands(String version, @TempDir Path work) throws Exception {
    String folder = "cp" + version.substring(1, 2);
    at(version).in(work);
    Files.createDirectories(work.resolve("data/sub"));
    Files.writeString(work.resolve("data/a.txt"), "alpha\n");
    Files.writeString(work.resolve("data/sub/b.csv"), "1,2\n");
    Files.writeString(work.resolve("data/skip.tmp"), "junk\n");
    ok("vfolder", "create", folder);
    try {
      // as with scp, a destination ending with / receives the source under its name
      ok("vfolder", "cp", "-r", "--exclude", "*.tmp", "./data", folder + ":/inputs/");
      assertEquals(
          List.of("data"), names(ok("vfolder", "ls", folder, "inputs", "--output", "json")));
      assertEquals(
          List.of("a.txt", "sub"),
          names(ok("vfolder", "ls", folder, "/inputs/data/", "--output", "json")));
      ok("vfolder", "cp", "./data/a.txt", folder + ":/inputs/renamed.txt");
      ok("vfolder", "mkdir", "-p", folder, "results/deep");
      fails(65, "vfolder", "mkdir", folder, "results/deep");
      fails(66, "vfolder", "mkdir", folder, "nothere/x");
      // a destination that does not exist becomes the copy
      ok("vfolder", "cp", "-r", folder + ":/inputs", "./out");
      assertEquals("alpha\n", Files.readString(work.resolve("out/data/a.txt")));
      assertEquals("1,2\n", Files.readString(work.resolve("out/data/sub/b.csv")));
      assertEquals("alpha\n", Files.readString(work.resolve("out/renamed.txt")));
      assertFalse(Files.exists(work.resolve("out/data/skip.tmp")));
      // an existing local directory receives the source under its name
      ok("vfolder", "cp", folder + ":inputs/data/sub/b.csv", "out");
      assertEquals("1,2\n", Files.readString(work.resolve("out/b.csv")));
      fails(2, "vfolder", "cp", folder + ":inputs/data/sub/b.csv", "out");
      ok("vfolder", "cp", "--overwrite", folder + ":inputs/data/sub/b.csv", "out");
      fails(2, "vfolder", "cp", folder + ":inputs", "./elsewhere");
      fails(2, "vfolder", "rm", folder, "inputs");
      if (version.equals(V9)) {
        ok("vfolder", "mv", folder, "inputs/renamed.txt", "results/");
        assertEquals(
            List.of("deep", "renamed.txt"),
            names(ok("vfolder", "ls", folder, "results", "--output", "json")));
      } else {
        Launcher.Result mv = fails(65, "vfolder", "mv", folder, "inputs/renamed.txt", "results/");
        assertTrue(mv.stderr().contains("v5.20191215"), mv.toString());
      }
      ok("vfolder", "rm", "-r", folder, "inputs", "results");
      assertEquals(List.of(), names(ok("vfolder", "ls", folder, "--output", "json")));
      fails(66, "vfolder", "rm", folder, "inputs");
    } finally {
      ok("vfolder", "delete", folder);
    }
  }

  @Test
  void jsonShapesOfListingsAndTransfers(@TempDir Path work) throws Exception {
    at(V9).in(work);
    Files.writeString(work.resolve("f.txt"), "some content\n");
    JsonObject created = JsonParser.parseString(
            ok("vfolder", "create", "shapes", "--output", "json").stdout())
        .getAsJsonObject();
    assertEquals("shapes", created.get("name").getAsString());
    assertEquals("local", created.get("host").getAsString());
    try {
      JsonObject info = JsonParser.parseString(
              ok("vfolder", "info", "shapes", "--output", "json").stdout())
          .getAsJsonObject();
      for (String k : List.of(
          "name",
          "id",
          "host",
          "permission",
          "owner",
          "status",
          "usageMode",
          "numFiles",
          "usedBytes",
          "createdAt")) {
        assertTrue(info.has(k), k + " in " + info);
      }
      assertEquals(created.get("id"), info.get("id"));
      assertEquals(
          created.get("id"),
          only(
                  JsonParser.parseString(
                          ok("vfolder", "list", "--output", "json").stdout())
                      .getAsJsonArray(),
                  "shapes")
              .get("id"));

      String sha = sha256(work.resolve("f.txt"));
      JsonObject up = JsonParser.parseString(
              ok("vfolder", "upload", "shapes", "f.txt", "-t", "docs", "--output", "json")
                  .stdout())
          .getAsJsonObject();
      assertEquals("upload", up.get("direction").getAsString());
      assertEquals(1, up.get("count").getAsInt());
      assertEquals(13, up.get("size").getAsLong());
      JsonObject file = up.getAsJsonArray("files").get(0).getAsJsonObject();
      assertEquals("docs/f.txt", file.get("remotePath").getAsString());
      assertEquals(13, file.get("size").getAsLong());
      assertEquals(sha, file.get("sha256").getAsString());

      JsonArray ls = JsonParser.parseString(
              ok("vfolder", "ls", "shapes", "docs", "--output", "json").stdout())
          .getAsJsonArray();
      JsonObject entry = ls.get(0).getAsJsonObject();
      assertEquals("f.txt", entry.get("name").getAsString());
      assertEquals("file", entry.get("type").getAsString());
      assertEquals(13, entry.get("size").getAsLong());
      assertTrue(
          entry.get("modified").getAsString().matches("\\d{4}-\\d\\d-\\d\\dT.*"), ls.toString());

      JsonObject down = JsonParser.parseString(
              ok("vfolder", "download", "shapes", "docs", "-d", "got", "--output", "json")
                  .stdout())
          .getAsJsonObject();
      assertEquals("download", down.get("direction").getAsString());
      assertEquals(
          sha,
          down.getAsJsonArray("files").get(0).getAsJsonObject().get("sha256").getAsString());
      assertEquals(sha, sha256(work.resolve("got/docs/f.txt")));
    } finally {
      ok("vfolder", "delete", "shapes");
      ok("vfolder", "purge", "shapes");
    }
  }

  @Test
  void userMistakesGetOneLineAndTheirExitCode(@TempDir Path work) throws Exception {
    at(V9).in(work);
    Files.createDirectories(work.resolve("dir"));
    Launcher.Result unknown = fails(66, "vfolder", "info", "no-such-folder");
    assertTrue(unknown.stderr().contains("no-such-folder"), unknown.toString());
    fails(66, "vfolder", "ls", "no-such-folder");
    fails(66, "vfolder", "download", "no-such-folder", "x");
    fails(66, "vfolder", "cp", "no-such-folder:x", ".");
    fails(66, "vfolder", "upload", "no-such-folder", "missing-local-file");
    Launcher.Result ff = fails(2, "vfolder", "cp", "a:x", "b:y");
    assertTrue(ff.stderr().contains("from a folder to a folder"), ff.toString());
    Launcher.Result ll = fails(2, "vfolder", "cp", "./a", "./b");
    assertTrue(ll.stderr().contains("NAME:PATH"), ll.toString());
    fails(2, "vfolder", "cp", "dir", "somewhere:/");
    fails(2, "vfolder", "invite", "x", "a@b.c", "--perm", "owner");
    Launcher.Result bare = cli.cli("vfolder");
    assertEquals(2, bare.exitCode(), bare.toString());
    assertTrue(bare.stderr().contains("a subcommand is required"), bare.toString());
    ok("vfolder", "create", "mistakes");
    try {
      fails(65, "vfolder", "create", "mistakes");
      fails(66, "vfolder", "download", "mistakes", "nothing.txt");
      fails(66, "vfolder", "rm", "mistakes", "nothing.txt");
      // local-server answers for its one user: nobody else to invite, no invitation to accept
      fails(66, "vfolder", "invite", "mistakes", "nobody@example.com");
      fails(66, "vfolder", "invitations", "accept", "0123456789abcdef");
      Launcher.Result inv = ok("vfolder", "invitations", "--output", "json");
      assertEquals(0, JsonParser.parseString(inv.stdout()).getAsJsonArray().size(), inv.toString());
      at(V4);
      Launcher.Result purge = fails(65, "vfolder", "purge", "mistakes");
      assertTrue(purge.stderr().contains("v8.20240315"), purge.toString());
    } finally {
      at(V9);
      ok("vfolder", "delete", "mistakes");
      ok("vfolder", "purge", "mistakes");
    }
  }

  /** {@code -m NAME=PATH:ro} and {@code BACKEND_VFOLDER_MOUNTS}, appended to {@code -m}. */
  @ParameterizedTest
  @ValueSource(strings = {V4, V9})
  void mountOptionAndEnvironment(String version, @TempDir Path work) throws Exception {
    at(version).in(work);
    String a = "ma" + version.substring(1, 2);
    String b = "mb" + version.substring(1, 2);
    Files.writeString(work.resolve("note.txt"), "from a folder\n");
    ok("vfolder", "create", a);
    ok("vfolder", "create", b);
    try {
      ok("vfolder", "upload", a, "note.txt");
      cli.env("BACKEND_VFOLDER_MOUNTS", a);
      Launcher.Result r = ok(
          "run",
          "--rm",
          "-m",
          b,
          "python",
          "-c",
          "print(open('" + a + "/note.txt').read().strip()); open('" + b
              + "/out.txt', 'w').write('written')");
      assertEquals("from a folder\n", r.stdout());
      cli.env("BACKEND_VFOLDER_MOUNTS", null);
      ok("vfolder", "cp", b + ":out.txt", "out.txt");
      assertEquals("written", Files.readString(work.resolve("out.txt")));
      if (version.equals(V9)) { // mount paths and options need v5+ (mount_map, mount_options)
        Launcher.Result mapped = ok(
            "run",
            "--rm",
            "-m",
            a + "=data:ro",
            "python",
            "-c",
            "import errno\n"
                + "print(open('data/note.txt').read().strip())\n"
                + "try:\n"
                + "    open('data/new.txt', 'w')\n"
                + "except OSError as e:\n"
                + "    print(errno.errorcode[e.errno])");
        // local-server enforces :ro inside the session (a private mount namespace)
        assertEquals("from a folder\nEROFS\n", mapped.stdout(), mapped.toString());
      } else {
        Launcher.Result refused =
            fails(2, "run", "--rm", "-m", a + "=data", "python", "-c", "pass");
        assertTrue(refused.stderr().contains("v5.20191215"), refused.toString());
      }
      fails(66, "run", "--rm", "-m", "no-such-folder", "python", "-c", "pass");
    } finally {
      cli.env("BACKEND_VFOLDER_MOUNTS", null);
      at(V9);
      for (String f : List.of(a, b)) {
        ok("vfolder", "delete", f);
        ok("vfolder", "purge", f);
      }
    }
  }

  /**
   * Ctrl-C during a download: exit 130, the partial file kept and named, the same command resumes it
   * (the result is byte-identical), and {@code --no-resume} starts over.
   */
  @Test
  void ctrlCKeepsThePartialDownloadAndTheSameCommandResumes(@TempDir Path work) throws Exception {
    at(V9).in(work);
    Path big = work.resolve("big.bin");
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(42);
    try (var out = Files.newOutputStream(big)) {
      for (int i = 0; i < 96; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    String sha = sha256(big);
    ok("vfolder", "create", "bigdata");
    try {
      ok("vfolder", "upload", "bigdata", "big.bin");
      Path part = work.resolve("got/big.bin.part");
      interruptOnceStarted(part, "vfolder", "download", "bigdata", "big.bin", "-d", "got");
      long kept = Files.size(part);
      JsonObject resumed = JsonParser.parseString(
              ok("vfolder", "download", "bigdata", "big.bin", "-d", "got", "--output", "json")
                  .stdout())
          .getAsJsonObject();
      JsonObject f = resumed.getAsJsonArray("files").get(0).getAsJsonObject();
      assertTrue(f.get("resumes").getAsInt() >= 1, "not resumed from " + kept + " bytes: " + f);
      assertEquals(sha, f.get("sha256").getAsString());
      assertEquals(sha, sha256(work.resolve("got/big.bin")));
      assertFalse(Files.exists(part));

      Files.delete(work.resolve("got/big.bin"));
      interruptOnceStarted(part, "vfolder", "download", "bigdata", "big.bin", "-d", "got");
      JsonObject fresh = JsonParser.parseString(ok(
                  "vfolder",
                  "download",
                  "bigdata",
                  "big.bin",
                  "-d",
                  "got",
                  "--no-resume",
                  "--output",
                  "json")
              .stdout())
          .getAsJsonObject();
      assertEquals(
          0,
          fresh.getAsJsonArray("files").get(0).getAsJsonObject().get("resumes").getAsInt());
      assertEquals(sha, sha256(work.resolve("got/big.bin")));
    } finally {
      ok("vfolder", "delete", "bigdata");
      ok("vfolder", "purge", "bigdata");
    }
  }

  /**
   * Ctrl-C during a directory download, after its first file: the same command, without {@code
   * --overwrite}, leaves the complete file as it is (not fetched again: same inode), resumes the
   * partial one, and the result is byte-identical; a local file that is not provably the remote one
   * still needs {@code --overwrite}.
   */
  @Test
  void anInterruptedDirectoryDownloadResumesWithoutOverwrite(@TempDir Path work) throws Exception {
    at(V9).in(work);
    Path tree = Files.createDirectories(work.resolve("tree"));
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(43);
    try (var out = Files.newOutputStream(tree.resolve("a.bin"))) {
      random.nextBytes(chunk);
      out.write(chunk);
    }
    try (var out = Files.newOutputStream(tree.resolve("b.bin"))) {
      for (int i = 0; i < 96; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    String shaA = sha256(tree.resolve("a.bin"));
    String shaB = sha256(tree.resolve("b.bin"));
    ok("vfolder", "create", "dirdata");
    try {
      ok("vfolder", "upload", "dirdata", "tree");
      Path a = work.resolve("got/tree/a.bin");
      Path b = work.resolve("got/tree/b.bin");
      Path partB = work.resolve("got/tree/b.bin.part");
      interruptOnceStarted(partB, "vfolder", "download", "dirdata", "tree", "-d", "got");
      assertTrue(Files.isRegularFile(a), "the first file was not complete at the cut");
      assertFalse(Files.exists(b));
      Object inode = fileKey(a);

      Launcher.Result rerun =
          ok("vfolder", "download", "dirdata", "tree", "-d", "got", "--output", "json");
      JsonObject again = JsonParser.parseString(rerun.stdout()).getAsJsonObject();
      assertEquals(1, again.get("skipped").getAsInt(), again.toString());
      JsonObject fa = entry(again, "tree/a.bin");
      JsonObject fb = entry(again, "tree/b.bin");
      assertTrue(fa.get("skipped").getAsBoolean(), fa.toString());
      assertEquals(shaA, fa.get("sha256").getAsString());
      assertFalse(fb.get("skipped").getAsBoolean(), fb.toString());
      assertTrue(fb.get("resumes").getAsInt() >= 1, "b.bin not resumed: " + fb);
      assertEquals(shaB, fb.get("sha256").getAsString());
      assertTrue(rerun.stderr().contains("Skipped 1 file already complete"), rerun.toString());
      assertEquals(inode, fileKey(a), "a.bin was fetched again");
      assertEquals(shaA, sha256(a));
      assertEquals(shaB, sha256(b));
      assertFalse(Files.exists(partB));

      // all complete now: the same command again fetches nothing
      Object inodeB = fileKey(b);
      JsonObject third = JsonParser.parseString(
              ok("vfolder", "download", "dirdata", "tree", "-d", "got", "--output", "json")
                  .stdout())
          .getAsJsonObject();
      assertEquals(2, third.get("skipped").getAsInt(), third.toString());
      assertEquals(inodeB, fileKey(b));

      // a file whose time differs is not provably the remote one: --overwrite, as before
      Files.setLastModifiedTime(
          a,
          java.nio.file.attribute.FileTime.fromMillis(
              Files.getLastModifiedTime(a).toMillis() - 60_000));
      Launcher.Result refused = fails(2, "vfolder", "download", "dirdata", "tree", "-d", "got");
      assertTrue(
          refused.stderr().contains("a.bin exists (use --overwrite to replace it)"),
          refused.toString());
      JsonObject replaced = JsonParser.parseString(ok(
                  "vfolder",
                  "download",
                  "dirdata",
                  "tree",
                  "-d",
                  "got",
                  "--overwrite",
                  "--output",
                  "json")
              .stdout())
          .getAsJsonObject();
      assertEquals(0, replaced.get("skipped").getAsInt(), replaced.toString());
      assertEquals(shaA, sha256(a));
      assertEquals(shaB, sha256(b));
    } finally {
      ok("vfolder", "delete", "dirdata");
      ok("vfolder", "purge", "dirdata");
    }
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey();
  }

  /** The entry of {@code --output json}'s files whose local path ends with {@code suffix}. */
  private static JsonObject entry(JsonObject result, String suffix) {
    for (JsonElement e : result.getAsJsonArray("files")) {
      JsonObject f = e.getAsJsonObject();
      if (f.get("localPath").getAsString().endsWith("/" + suffix)) {
        return f;
      }
    }
    throw new AssertionError(suffix + " not in " + result);
  }

  /**
   * Ctrl-C during an upload: exit 130, and the same command run again goes on from what the storage
   * proxy already has (its upload URL and token wait under {@code ~/.backend.ai/transfers}).
   */
  @Test
  void ctrlCDuringAnUploadAndTheSameCommandResumes(@TempDir Path work) throws Exception {
    at(V9).in(work);
    Path big = work.resolve("big.bin");
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(7);
    try (var out = Files.newOutputStream(big)) {
      for (int i = 0; i < 160; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    String sha = sha256(big);
    Path records = home.resolve(".backend.ai/transfers");
    ok("vfolder", "create", "updata");
    try {
      background = cli.start("backend.ai", "vfolder", "upload", "updata", "big.bin");
      background.getOutputStream().close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // the storage proxy's part file grows as the body arrives (a HEAD would wait for the PATCH)
      Path uploads = server.stateDir().resolve("storage-proxy/uploads");
      long seen;
      while ((seen = partBytes(uploads)) <= 0) {
        if (!background.isAlive()) {
          throw new AssertionError("ended (exit " + background.exitValue()
              + ") before the upload was seen: " + drain(background));
        }
        assertTrue(System.nanoTime() < deadline, "no upload under way after 60 s");
        Thread.sleep(5);
      }
      new ProcessBuilder("kill", "-INT", Long.toString(background.pid()))
          .start()
          .waitFor();
      assertTrue(background.waitFor(30, TimeUnit.SECONDS), "still running after Ctrl-C");
      String err = drain(background);
      assertEquals(130, background.exitValue(), "seen at offset " + seen + ": " + err);
      assertTrue(
          err.contains("Upload cancelled") && err.contains("run the same command again"), err);
      long had = serverOffset(records);
      assertTrue(had > 0 && had < Files.size(big), "server offset " + had);

      JsonObject f = JsonParser.parseString(
              ok("vfolder", "upload", "updata", "big.bin", "--output", "json").stdout())
          .getAsJsonObject()
          .getAsJsonArray("files")
          .get(0)
          .getAsJsonObject();
      assertTrue(f.get("resumes").getAsInt() >= 1, "not resumed from " + had + " bytes: " + f);
      assertEquals(sha, f.get("sha256").getAsString());
      try (var s = Files.list(records)) {
        assertEquals(0, s.count(), "the record outlived its upload");
      }
      ok("vfolder", "download", "updata", "big.bin", "-d", "back");
      assertEquals(sha, sha256(work.resolve("back/big.bin")));
    } finally {
      ok("vfolder", "delete", "updata");
      ok("vfolder", "purge", "updata");
    }
  }

  /** The bytes of the storage proxy's unfinished uploads under {@code uploads}. */
  private static long partBytes(Path uploads) throws IOException {
    if (!Files.isDirectory(uploads)) {
      return 0;
    }
    long n = 0;
    try (var s = Files.list(uploads)) {
      for (Path p : s.toList()) {
        try {
          n += Files.size(p);
        } catch (java.nio.file.NoSuchFileException e) {
          // completed meanwhile
        }
      }
    }
    return n;
  }

  /** The storage proxy's offset for the one recorded upload under {@code records}, or -1. */
  private static long serverOffset(Path records) throws Exception {
    if (!Files.isDirectory(records)) {
      return -1;
    }
    List<Path> files;
    try (var s = Files.list(records)) {
      files = s.toList();
    }
    if (files.size() != 1) {
      return -1;
    }
    java.util.Properties p = new java.util.Properties();
    try (var in = Files.newInputStream(files.get(0))) {
      p.load(in);
    } catch (java.nio.file.NoSuchFileException e) {
      return -1;
    }
    if (p.getProperty("url") == null || p.getProperty("token") == null) {
      return -1; // being written
    }
    java.net.URI uri = java.net.URI.create(p.getProperty("url") + "?token="
        + java.net.URLEncoder.encode(p.getProperty("token"), StandardCharsets.UTF_8));
    java.net.http.HttpResponse<Void> head = HTTP.send(
        java.net.http.HttpRequest.newBuilder(uri)
            .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
            .header("Tus-Resumable", "1.0.0")
            .build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    return head.headers().firstValue("Upload-Offset").map(Long::parseLong).orElse(-1L);
  }

  private void interruptOnceStarted(Path part, String... args) throws Exception {
    background = cli.start("backend.ai", args);
    background.getOutputStream().close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.isRegularFile(part) && Files.size(part) > 0)) {
      if (!background.isAlive()) {
        throw new AssertionError("ended (exit " + background.exitValue()
            + ") before the transfer was seen: " + drain(background));
      }
      assertTrue(System.nanoTime() < deadline, "no partial file after 60 s");
      Thread.sleep(2);
    }
    new ProcessBuilder("kill", "-INT", Long.toString(background.pid())).start().waitFor();
    assertTrue(background.waitFor(30, TimeUnit.SECONDS), "still running after Ctrl-C");
    String err = new String(background.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    Launcher.Result r = new Launcher.Result(background.exitValue(), "", err);
    assertEquals(130, r.exitCode(), r.toString());
    assertOneLineError(r);
    assertTrue(
        err.contains("Download cancelled")
            && err.contains(part.getFileName().toString())
            && err.contains("run the same command again to resume"),
        r.toString());
    assertTrue(Files.isRegularFile(part), "partial file not kept");
  }

  private static String drain(Process p) throws IOException {
    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static JsonObject only(JsonArray folders, String name) {
    for (JsonElement e : folders) {
      if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError(name + " not in " + folders);
  }

  private static List<String> names(Launcher.Result r) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : JsonParser.parseString(r.stdout()).getAsJsonArray()) {
      out.add(e.getAsJsonObject().get("name").getAsString());
    }
    out.sort(null);
    return out;
  }

  private static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Splits a command line as a POSIX shell does for the quoting the README uses ('…', "…"). */
  static List<String> shellWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (quote == '"'
            && c == '\\'
            && i + 1 < line.length()
            && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
          w.append(line.charAt(++i));
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '#' && !inWord) {
        break;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }
}
