package ai.backend.client.cli.commands;

import ai.backend.client.VFolderFile;
import ai.backend.client.VFolders;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
import ai.backend.client.errors.BackendApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vfolder ls|mkdir|rm|mv}: files inside a folder. */
final class VfolderFileCommands {
  private VfolderFileCommands() {}

  /** What a path inside a folder is. */
  enum Kind {
    FILE,
    DIRECTORY,
    MISSING
  }

  /**
   * A path inside a folder as the SDK takes it: relative to the root ({@code /inputs/} → {@code
   * inputs}), {@code "."} for the root itself.
   */
  static String remote(String path) {
    String p = path == null ? "" : path.replace('\\', '/');
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    return p.isEmpty() ? "." : p;
  }

  static String parent(String remote) {
    int slash = remote.lastIndexOf('/');
    return slash < 0 ? "." : remote.substring(0, slash);
  }

  static String baseName(String remote) {
    return remote.substring(remote.lastIndexOf('/') + 1);
  }

  /** What {@code remote} is in its folder, and its size (-1 when not a file). */
  record Found(Kind kind, long size) {}

  /** Whether {@code remote} is a file, a directory or missing in {@code folder} (the root is a directory). */
  static Kind kind(VFolders vf, String folder, String remote) {
    return find(vf, folder, remote).kind();
  }

  static Found find(VFolders vf, String folder, String remote) {
    if (remote.equals(".")) {
      vf.info(folder); // an unknown folder is "not found", not an empty root
      return new Found(Kind.DIRECTORY, -1);
    }
    List<VFolderFile> entries;
    try {
      entries = vf.ls(folder, parent(remote));
    } catch (BackendApiException e) {
      // a missing parent is a 404 on some servers and a 400 "operation failed" on others
      if (e.status() != 404 && e.status() != 400) {
        throw e;
      }
      vf.info(folder); // tells an unknown folder apart from a missing directory
      return new Found(Kind.MISSING, -1);
    }
    String name = baseName(remote);
    for (VFolderFile f : entries) {
      if (name.equals(f.name())) {
        return f.directory() ? new Found(Kind.DIRECTORY, -1) : new Found(Kind.FILE, f.size());
      }
    }
    return new Found(Kind.MISSING, -1);
  }

  /** v4 sends times as epoch seconds, current servers as ISO text: show both as ISO. */
  static String time(String modified) {
    if (modified == null) {
      return null;
    }
    try {
      double seconds = Double.parseDouble(modified);
      return Instant.ofEpochMilli(Math.round(seconds * 1000)).toString();
    } catch (NumberFormatException e) {
      return modified;
    }
  }

  /**
   * {@link #find}, failing for a missing {@code remote}, and for a directory unless {@code
   * recursive}.
   */
  static Found existing(VFolders vf, String folder, String remote, boolean recursive) {
    Found f = find(vf, folder, remote);
    if (f.kind() == Kind.MISSING) {
      throw missing(folder, remote);
    }
    if (f.kind() == Kind.DIRECTORY && !recursive) {
      throw new CliException(ExitCode.USAGE, folder + ":" + remote + " is a directory (use -r)");
    }
    return f;
  }

  static CliException missing(String folder, String remote) {
    return new CliException(
        ExitCode.NOT_FOUND, "no such file or directory in " + folder + ": " + remote);
  }

  private static Map<String, Object> json(VFolderFile f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", f.name());
    m.put("type", f.directory() ? "directory" : "file");
    m.put("size", f.size());
    m.put("mode", f.mode());
    m.put("modified", time(f.modified()));
    return m;
  }

  /** {@code vfolder ls NAME [PATH]}. */
  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = "List a directory of a folder (default: its root).")
  static final class Ls extends VfolderSubcommand.OnFolder {
    Ls(Cli cli) {
      super(cli);
    }

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "PATH",
        defaultValue = ".",
        description = "Directory inside the folder (default: the root).")
    String path;

    @Override
    public Integer call() {
      return list(
          vfolders().ls(name, remote(path)),
          VfolderFileCommands::json,
          List.of("File name", "Size", "Modified", "Mode"),
          f -> List.of(
              f.directory() ? f.name() + "/" : f.name(),
              f.directory() ? "" : String.valueOf(f.size()),
              f.modified() == null ? "" : time(f.modified()),
              f.mode() == null ? "" : f.mode()));
    }
  }

  /** {@code vfolder mkdir NAME PATH... [-p]}. */
  @Command(
      name = "mkdir",
      mixinStandardHelpOptions = true,
      description = "Create directories in a folder.")
  static final class Mkdir extends VfolderSubcommand.OnFolder {
    Mkdir(Cli cli) {
      super(cli);
    }

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "PATH",
        description = "Directories to create.")
    List<String> paths = new ArrayList<>();

    @Option(
        names = {"-p", "--parents"},
        description = "Create missing parents too, and accept directories that exist already.")
    boolean parents;

    @Override
    public Integer call() {
      VFolders vf = vfolders();
      List<String> made = new ArrayList<>();
      for (String p : paths) {
        String r = remote(p);
        if (!parents) {
          // the SDK's mkdir is `mkdir -p`; without -p, refuse what plain mkdir refuses
          Kind k = kind(vf, name, r);
          if (k != Kind.MISSING) {
            throw new CliException(
                ExitCode.REJECTED, name + ":" + r + " exists already (-p accepts that)");
          }
          if (!parent(r).equals(".") && kind(vf, name, parent(r)) != Kind.DIRECTORY) {
            throw new CliException(
                ExitCode.NOT_FOUND,
                "no directory " + parent(r) + " in " + name + " (-p creates parents)");
          }
        }
        vf.mkdir(name, r);
        made.add(r);
      }
      return done(
          Map.of("name", name, "created", made),
          "Created " + String.join(", ", made) + " in " + name + ".");
    }
  }

  /** {@code vfolder rm NAME PATH... [-r]}. */
  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      description = "Delete files (with -r, directories) in a folder.")
  static final class Rm extends VfolderSubcommand.OnFolder {
    Rm(Cli cli) {
      super(cli);
    }

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "PATH",
        description = "Files or directories to delete.")
    List<String> paths = new ArrayList<>();

    @Option(
        names = {"-r", "--recursive"},
        description = "Delete directories and their content.")
    boolean recursive;

    @Override
    public Integer call() {
      VFolders vf = vfolders();
      List<String> targets = new ArrayList<>();
      for (String p : paths) {
        String r = remote(p);
        if (r.equals(".")) {
          throw new CliException(
              ExitCode.USAGE,
              "refusing to delete the root of " + name + " (use 'vfolder delete " + name + "')");
        }
        existing(vf, name, r, recursive);
        targets.add(r);
      }
      vf.rm(name, targets, recursive);
      return done(
          Map.of("name", name, "deleted", targets),
          "Deleted " + String.join(", ", targets) + " in " + name + ".");
    }
  }

  /** {@code vfolder mv NAME SRC DST}. */
  @Command(
      name = "mv",
      mixinStandardHelpOptions = true,
      description = {
        "Move or rename a file or directory inside a folder (API v5 or later).",
        "A DST that is an existing directory (or ends with /) receives SRC under its name."
      })
  static final class Mv extends VfolderSubcommand.OnFolder {
    Mv(Cli cli) {
      super(cli);
    }

    @Parameters(index = "1", paramLabel = "SRC", description = "The path to move.")
    String src;

    @Parameters(index = "2", paramLabel = "DST", description = "The new path.")
    String dst;

    @Override
    public Integer call() {
      VFolders vf = vfolders();
      String from = remote(src);
      String to = remote(dst);
      if (from.equals(".")) {
        throw new CliException(ExitCode.USAGE, "cannot move the root of a folder");
      }
      existing(vf, name, from, true);
      if (dst.endsWith("/") || to.equals(".") || kind(vf, name, to) == Kind.DIRECTORY) {
        to = to.equals(".") ? baseName(from) : to + "/" + baseName(from);
      }
      vf.mv(name, from, to);
      return done(
          Map.of("name", name, "from", from, "to", to),
          "Moved " + name + ":" + from + " to " + name + ":" + to + ".");
    }
  }
}
