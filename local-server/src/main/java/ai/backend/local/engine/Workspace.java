package ai.backend.local.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a runtime recipe builds its shell commands from: the tools, the session's work directory and
 * the kernel's private directory, where query snippets are written (outside the work directory, so
 * they never show up in the user's file listing).
 */
final class Workspace {
  final Toolchain tools;
  final Path workDir;
  final Path privateDir;
  private final AtomicInteger snippets = new AtomicInteger();

  Workspace(Toolchain tools, Path workDir, Path privateDir) {
    this.tools = tools;
    this.workDir = workDir;
    this.privateDir = privateDir;
  }

  /** A fresh number for the next snippet's file names. */
  int nextSnippet() {
    return snippets.incrementAndGet();
  }

  /** Single-quoted for {@code sh -c}. */
  static String q(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Writes {@code code} to {@code name} in the private directory; returns its path. */
  String write(String name, String code) throws IOException {
    Path p = privateDir.resolve(name);
    Files.writeString(p, code);
    return p.toString();
  }

  boolean hasFile(String name) {
    return Files.isRegularFile(workDir.resolve(name));
  }

  /** Names of the work directory's regular files ending with one of {@code exts}, sorted. */
  List<String> filesEnding(String... exts) {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        for (String e : exts) {
          if (n.endsWith(e) && Files.isRegularFile(p)) {
            out.add(n);
          }
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort(null);
    return out;
  }
}
