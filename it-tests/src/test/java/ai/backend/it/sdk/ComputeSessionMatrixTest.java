package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ApiVersion;
import ai.backend.client.BatchOptions;
import ai.backend.client.ComputeSessionListQuery;
import ai.backend.client.ComputeSessionPage;
import ai.backend.client.ComputeSessionSummary;
import ai.backend.client.ExecutionResult;
import ai.backend.client.ExecutionStatus;
import ai.backend.client.FileEntry;
import ai.backend.client.KernelOptions;
import ai.backend.client.KeypairInfo;
import ai.backend.client.RunOptions;
import ai.backend.client.RunResult;
import ai.backend.client.errors.AlreadyExistsException;
import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.UnsafeDownloadException;
import ai.backend.testsupport.RequiresToolchain;
import ai.backend.testsupport.Toolchain;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every compute-session scenario × {apache, jdk} × {sync, async} × {v4.20181215, v9.20250722}. */
class ComputeSessionMatrixTest extends SdkFixture {
  static final String NAME = "{0} {1} {2}";

  static String name(String prefix) {
    return prefix + "-" + KernelOptions.generateName().substring(0, 12);
  }

  static KernelOptions named(String n) {
    return KernelOptions.builder().name(n).build();
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("matrix")
  void getOrCreateReusesInfoAndDestroy(String adapter, Mode mode, ApiVersion v) {
    Ops ops = open(adapter, mode, v).ops();
    String n = name("reuse");
    Ops.Handle k = ops.getOrCreate("python", named(n));
    assertTrue(k.isCreated());
    assertEquals(n, k.name());
    Ops.Handle again = ops.getOrCreate("python", named(n));
    assertFalse(again.isCreated());
    AlreadyExistsException e =
        assertThrows(AlreadyExistsException.class, () -> ops.getOrCreate("lua5", named(n)));
    assertNotNull(e.typeName());
    assertTrue(
        ops.of(n).info().image().contains("python"),
        () -> ops.of(n).info().raw().toString());
    var stats = k.destroy();
    assertNotNull(stats);
    assertThrows(NotFoundException.class, () -> ops.of(n).info());
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("matrix")
  void pythonHelloWorldStateRestartAndExtras(String adapter, Mode mode, ApiVersion v) {
    Ops ops = open(adapter, mode, v).ops();
    Ops.Handle k = ops.getOrCreate("python", named(name("py")));
    try {
      RunResult hello = k.run("print('hello world')", RunOptions.defaults());
      assertEquals(ExecutionStatus.FINISHED, hello.status());
      assertEquals("hello world\n", hello.stdout());
      ExecutionResult one = k.execute("x = 6 * 7");
      assertNotNull(one.runId());
      assertEquals("42\n", k.run("print(x)", RunOptions.defaults()).stdout());
      assertNotNull(k.complete("pri"));
      assertNotNull(k.logs());
      k.interrupt();
      k.restart();
      RunResult lost = k.run("print(x)", RunOptions.defaults());
      assertTrue(lost.stderr().contains("NameError"), lost.console().toString());
    } finally {
      k.destroy();
    }
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("matrix")
  void runLoopDeliversOutputAsItArrivesAndAnswersInput(String adapter, Mode mode, ApiVersion v) {
    Ops ops = open(adapter, mode, v).ops();
    Ops.Handle k = ops.getOrCreate("python", named(name("loop")));
    try {
      List<Long> arrivals = new CopyOnWriteArrayList<>();
      long start = System.nanoTime();
      RunResult r = k.run(
          "import time\nfor i in range(3):\n    print('tick', i, flush=True)\n    time.sleep(1.1)\n",
          RunOptions.defaults().withListener(item -> arrivals.add(System.nanoTime() - start)));
      long end = System.nanoTime() - start;
      assertEquals("tick 0\ntick 1\ntick 2\n", r.stdout());
      assertFalse(arrivals.isEmpty());
      assertTrue(
          arrivals.get(0) < end - 500_000_000L,
          "first output only arrived at the end: " + arrivals + " / " + end);

      List<String> asked = new ArrayList<>();
      RunResult in = k.run(
          "name = input('your name? ')\nprint('hi ' + name)\n",
          RunOptions.defaults().withInput((prompt, password) -> {
            asked.add(prompt + "|" + password);
            return "Lablup";
          }));
      assertEquals(List.of("your name? |false"), asked);
      assertTrue(in.stdout().contains("hi Lablup"), in.stdout());

      asked.clear();
      RunResult pw = k.run(
          "import getpass\np = getpass.getpass('secret: ')\nprint(len(p))\n",
          RunOptions.defaults().withInput((prompt, password) -> {
            asked.add(prompt + "|" + password);
            return "hunter2";
          }));
      assertEquals(1, asked.size());
      assertTrue(asked.get(0).endsWith("|true"), asked.toString());
      assertTrue(pw.stdout().contains("7"), pw.stdout());
    } finally {
      k.destroy();
    }
  }

  static final String MAIN_C = """
      #include <stdio.h>
      #include "mylib.h"

      int main() {
          char name[64];
          printf("myvalue is %d\\n", mylib_get_value());
          printf("your name? ");
          fflush(stdout);
          if (scanf("%63s", name) != 1) return 1;
          printf("hello, %s!\\n", name);
          return 0;
      }
      """;
  static final String MYLIB_C =
      "#include \"mylib.h\"\n\nint mylib_get_value() {\n    return 42;\n}\n";
  static final String MYLIB_H =
      "#ifndef MYLIB_H\n#define MYLIB_H\nint mylib_get_value();\n#endif\n";

  @ParameterizedTest(name = NAME)
  @MethodSource("matrix")
  @RequiresToolchain(Toolchain.GCC)
  void cOneLinerAndMultiFileBatchReadingAName(
      String adapter, Mode mode, ApiVersion v, @TempDir Path dir) throws Exception {
    Ops ops = open(adapter, mode, v).ops();
    Ops.Handle k = ops.getOrCreate("c", named(name("c")));
    try {
      RunResult one = k.run(
          "#include <stdio.h>\nint main() { printf(\"hello world\\n\"); return 0; }",
          RunOptions.defaults());
      assertTrue(one.stdout().contains("hello world"), one.console().toString());

      Path main = Files.writeString(dir.resolve("main.c"), MAIN_C);
      Path lib = Files.writeString(dir.resolve("mylib.c"), MYLIB_C);
      Path header = Files.writeString(dir.resolve("mylib.h"), MYLIB_H);
      List<String> steps = new ArrayList<>();
      List<String> prompts = new ArrayList<>();
      RunResult r = k.runBatch(
          List.of(main, lib, header),
          dir,
          BatchOptions.defaults(),
          RunOptions.defaults()
              .withStepListener((s, code) -> steps.add(s.wire() + "=" + code))
              .withInput((prompt, pw) -> {
                prompts.add(prompt);
                return "Lablup";
              }));
      String out = r.stdout();
      assertTrue(out.contains("myvalue is 42"), out);
      assertTrue(out.contains("your name?"), out);
      assertTrue(out.contains("hello, Lablup!"), out);
      assertEquals(List.of("your name? "), prompts);
      assertTrue(steps.contains("build-finished=0"), steps.toString());
      assertEquals("finished=0", steps.get(steps.size() - 1));

      Files.writeString(main, "int main() { this is not C }\n");
      RunResult broken =
          k.runBatch(List.of(main), dir, BatchOptions.defaults(), RunOptions.defaults());
      assertTrue(broken.buildExitCode().orElse(0) != 0, broken.steps().toString());
      assertEquals(java.util.OptionalInt.of(127), broken.exitCode());
    } finally {
      k.destroy();
    }
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("matrix")
  void filesUploadListDownloadAndRefusals(
      String adapter, Mode mode, ApiVersion v, @TempDir Path dir) throws Exception {
    Opened o = open(adapter, mode, v);
    Ops.Handle k = o.ops().getOrCreate("python", named(name("files")));
    try {
      Path base = Files.createDirectories(dir.resolve("src"));
      Path data = Files.writeString(
          Files.createDirectories(base.resolve("sub")).resolve("data.txt"), "payload\n");
      Path outside = Files.writeString(dir.resolve("outside.txt"), "no");
      Path big = Files.write(base.resolve("big.bin"), new byte[1 << 20]);
      int before = o.transport().requests.size();
      assertThrows(InvalidArgumentException.class, () -> k.upload(List.of(data, outside), base));
      assertThrows(InvalidArgumentException.class, () -> k.upload(List.of(big), base));
      assertEquals(before, o.transport().requests.size(), "a refused upload sent something");

      k.upload(List.of(data), base);
      List<FileEntry> listing = k.listFiles("sub");
      FileEntry e =
          listing.stream().filter(f -> f.name().equals("data.txt")).findFirst().orElseThrow();
      assertEquals(8, e.size());
      assertFalse(e.isDirectory());
      assertTrue(
          k.listFiles(".").stream().anyMatch(f -> f.name().equals("sub") && f.isDirectory()));

      Path dest = dir.resolve("down");
      k.download(List.of("sub/data.txt"), dest);
      assertEquals("payload\n", Files.readString(dest.resolve("data.txt")));

      k.run("import os\nos.symlink('/etc', 'evil')\n", RunOptions.defaults());
      Path dest2 = dir.resolve("down2");
      try {
        k.download(List.of("evil"), dest2);
        Path evil = dest2.resolve("evil");
        if (Files.exists(evil, LinkOption.NOFOLLOW_LINKS)) {
          assertTrue(
              evil.toRealPath().startsWith(dest2.toRealPath()),
              "extracted a link escaping the destination");
        }
      } catch (UnsafeDownloadException refused) {
        assertEquals("evil", refused.entryName().replaceAll("^\\./|/$", ""));
      } catch (BackendApiException serverRefused) {
        // a server may refuse to archive a link leaving the work directory; that is safe too
        assertTrue(serverRefused.status() >= 400);
      }
      assertFalse(Files.exists(dest2.resolve("evil").resolve("passwd")));
    } finally {
      k.destroy();
    }
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("matrix")
  void listingPagingKeypairAndGraphQL(String adapter, Mode mode, ApiVersion v) {
    Ops ops = open(adapter, mode, v).ops();
    String a = name("lsa");
    String b = name("lsb");
    Ops.Handle ka = ops.getOrCreate("python", named(a));
    Ops.Handle kb = ops.getOrCreate("sh", named(b));
    try {
      ComputeSessionPage all = ops.list(ComputeSessionListQuery.of("RUNNING"));
      List<String> names = all.items().stream().map(ComputeSessionSummary::name).toList();
      assertTrue(names.containsAll(List.of(a, b)), names.toString());
      assertTrue(all.totalCount() >= 2);
      assertTrue(all.items().stream().allMatch(s -> "RUNNING".equals(s.status())));
      ComputeSessionPage p1 = ops.list(ComputeSessionListQuery.of("RUNNING").page(1, 0));
      ComputeSessionPage p2 = ops.list(ComputeSessionListQuery.of("RUNNING").page(1, 1));
      assertEquals(1, p1.items().size());
      assertEquals(1, p2.items().size());
      assertFalse(p1.items().get(0).name().equals(p2.items().get(0).name()));
      assertEquals(all.totalCount(), p1.totalCount());
      assertTrue(ops.list(ComputeSessionListQuery.of("TERMINATED", "CANCELLED")).items().stream()
          .noneMatch(s -> s.name().equals(a)));

      KeypairInfo kp = ops.keypair();
      assertEquals(server.server().accessKey(), kp.accessKey());
      assertTrue(kp.active());
      assertFalse(kp.toString().contains(server.server().secretKey()));

      Map<String, Object> data = ops.graphql("query { keypair { access_key } }", Map.of());
      assertEquals(
          server.server().accessKey(), ((Map<?, ?>) data.get("keypair")).get("access_key"));
    } finally {
      ka.destroy();
      kb.destroy();
    }
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("matrix")
  void errorsAreTyped(String adapter, Mode mode, ApiVersion v) {
    Opened o = open(adapter, mode, v);
    BackendApiException unknown = assertThrows(BackendApiException.class, () -> o.ops()
        .getOrCreate("no-such-image-xyz", named(name("img"))));
    assertTrue(unknown.status() == 400 || unknown.status() == 404, unknown.getMessage());
    assertNotNull(unknown.typeName());
    assertNotNull(unknown.title());

    int before = o.transport().requests.size();
    assertThrows(InvalidArgumentException.class, () -> o.ops()
        .getOrCreate("python", KernelOptions.builder().name("bad name!").build()));
    assertEquals(before, o.transport().requests.size());

    Opened bad = open(adapter, mode, config(v).secretKey("definitely-wrong").build());
    AuthenticationException auth =
        assertThrows(AuthenticationException.class, () -> bad.ops().keypair());
    assertEquals(401, auth.status());
    assertNotNull(auth.typeName());
    assertNotNull(auth.title());
  }
}
