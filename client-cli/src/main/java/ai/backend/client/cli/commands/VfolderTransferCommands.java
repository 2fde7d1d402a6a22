package ai.backend.client.cli.commands;

import ai.backend.client.CancelToken;
import ai.backend.client.TransferOptions;
import ai.backend.client.TransferResult;
import ai.backend.client.VFolders;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
import ai.backend.client.cli.Progress;
import ai.backend.client.cli.Term;
import ai.backend.client.cli.commands.VfolderFileCommands.Found;
import ai.backend.client.cli.commands.VfolderFileCommands.Kind;
import ai.backend.client.errors.BackendException;
import ai.backend.client.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vfolder upload|download|cp}: transfers with progress, Ctrl-C and resume. */
final class VfolderTransferCommands {
  private VfolderTransferCommands() {}

  /** {@code NAME:PATH}; a local path with a colon is written {@code ./a:b}, as with scp. */
  private static final Pattern REMOTE = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*):(.*)$");

  /** The options every transfer command has. */
  static final class TransferFlags {
    @Option(
        names = "--include",
        paramLabel = "GLOB",
        description =
            "Only files matching GLOB, in directories (*.csv: by name; data/**: by path). "
                + "Repeatable.")
    List<String> include = new ArrayList<>();

    @Option(
        names = "--exclude",
        paramLabel = "GLOB",
        description = "Skip files and directories matching GLOB (.git drops a whole subtree). "
            + "Repeatable.")
    List<String> exclude = new ArrayList<>();

    @Option(
        names = "--no-resume",
        description = "Start over: ignore a partial download left by an earlier run, and do not "
            + "retry after a broken connection.")
    boolean noResume;

    @Option(
        names = {"-q", "--quiet"},
        description = "No progress bar and no status lines (errors are still printed).")
    boolean quiet;
  }

  /** One upload or download of a file or a directory tree. */
  private interface Step {
    List<TransferResult> run(VFolders vf, TransferOptions options);
  }

  /** A planned step, with its label for the progress bar and where partial downloads land. */
  private record Planned(String label, Path local, boolean directory, long size, Step step) {}

  /**
   * Runs the steps with a progress bar and Ctrl-C wired to cancellation, prints the results, and returns
   * the exit code.
   */
  private static int execute(
      Cli cli,
      VFolders vf,
      String folder,
      boolean upload,
      List<Planned> plan,
      TransferFlags flags,
      boolean overwrite) {
    Term term = cli.term;
    CancelToken token = new CancelToken();
    Object previous = onInterrupt(term, token);
    List<TransferResult> results = new ArrayList<>();
    Planned current = null;
    try {
      for (Planned p : plan) {
        current = p;
        try (Progress bar = new Progress(term, p.label())) {
          TransferOptions.Builder b = TransferOptions.builder()
              .resume(!flags.noResume)
              // a later run resumes an interrupted upload from what the server already has
              .stateDir(TransferOptions.defaultStateDir())
              .overwrite(overwrite)
              .cancelToken(token)
              .progress(bar.listenerOrNone(p.size()));
          flags.include.forEach(b::include);
          flags.exclude.forEach(b::exclude);
          results.addAll(p.step().run(vf, b.build()));
        }
      }
    } catch (InvalidArgumentException e) {
      String m = e.getMessage();
      if (m != null && m.endsWith("(set overwrite to replace it)")) {
        throw new CliException(
            ExitCode.USAGE,
            m.replace("(set overwrite to replace it)", "(use --overwrite to replace it)"),
            e);
      }
      throw e;
    } catch (BackendException e) {
      if (token.isCancelled()) {
        term.fail((upload ? "Upload" : "Download") + " cancelled. " + resumeHint(upload, current));
        return ExitCode.INTERRUPTED.code;
      }
      throw e;
    } finally {
      restore(previous);
    }
    List<TransferResult> skipped =
        results.stream().filter(TransferResult::skipped).toList();
    long bytes = results.stream().mapToLong(TransferResult::bytes).sum();
    if (cli.json()) {
      List<Map<String, Object>> files = new ArrayList<>();
      for (TransferResult r : results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("remotePath", r.remotePath());
        m.put("localPath", r.localPath().toString());
        m.put("size", r.bytes());
        m.put("sha256", r.sha256());
        m.put("resumes", r.resumes());
        m.put("skipped", r.skipped());
        files.add(m);
      }
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("folder", folder);
      o.put("direction", upload ? "upload" : "download");
      o.put("count", results.size());
      o.put("size", bytes);
      o.put("skipped", skipped.size());
      o.put("files", files);
      cli.printJson(o);
    }
    String what = results.size() == 1
        ? "1 file (" + Progress.human(bytes) + ", sha256 " + results.get(0).sha256() + ")"
        : results.size() + " files (" + Progress.human(bytes) + ")";
    if (!skipped.isEmpty()) {
      term.info("Skipped " + (skipped.size() == 1 ? "1 file" : skipped.size() + " files")
          + " already complete (same size and modification time as in the folder), e.g. "
          + skipped.get(0).localPath() + ".");
    }
    term.done((upload ? "Uploaded " : "Downloaded ") + what + (upload ? " to " : " from ") + folder
        + (skipped.isEmpty() ? "" : ", " + skipped.size() + " of them already complete")
        + ".");
    return 0;
  }

  private static String resumeHint(boolean upload, Planned current) {
    if (upload) {
      return "Files uploaded before it stay in the folder; run the same command again to resume "
          + "(the interrupted file goes on from what the server has), or with --no-resume to start"
          + " over.";
    }
    List<Path> parts = current == null ? List.of() : partsUnder(current);
    boolean directory = current != null && current.directory();
    if (parts.isEmpty()) {
      return directory
          ? "Run the same command again to resume: files already complete are skipped."
          : "Nothing partial was kept; run the same command again to start over.";
    }
    return "The partial download is kept in " + parts.get(0)
        + (parts.size() > 1 ? " (and " + (parts.size() - 1) + " more)" : "")
        + ": run the same command again to resume"
        + (directory ? " (files already complete are skipped)" : "")
        + ", or with --no-resume to start over.";
  }

  private static List<Path> partsUnder(Planned p) {
    Path local = p.local().toAbsolutePath().normalize();
    if (!p.directory()) {
      Path part = local.resolveSibling(local.getFileName() + ".part");
      return Files.isRegularFile(part) ? List.of(part) : List.of();
    }
    if (!Files.isDirectory(local)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(local)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".part") && Files.isRegularFile(f))
          .toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** Ctrl-C cancels the transfer (which then ends cleanly); a second one exits at once. */
  private static Object onInterrupt(Term term, CancelToken token) {
    try {
      return sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
        if (token.isCancelled()) {
          term.fail("Interrupted again; exiting without cleaning up.");
          Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code);
        }
        token.cancel(); // the transfer ends with CANCELLED; its bar is cleared on the way out
      });
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return null; // no signals here: Ctrl-C ends the JVM as usual
    }
  }

  private static void restore(Object previous) {
    if (previous instanceof sun.misc.SignalHandler h) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
      } catch (IllegalArgumentException | UnsupportedOperationException ignored) {
        // nothing to restore
      }
    }
  }

  private static Path existing(String arg) {
    Path p = Path.of(arg);
    if (!Files.exists(p)) {
      throw new CliException(ExitCode.NOT_FOUND, "no such file or directory: " + arg);
    }
    return p;
  }

  /** Where a local source goes: {@code dir/<name>}, or into {@code dir} itself for {@code x/} or {@code .}. */
  private static String uploadTarget(String targetDir, String arg, Path local) {
    Path name = local.toAbsolutePath().normalize().getFileName();
    boolean contents = arg.endsWith("/") || arg.endsWith("/.") || arg.equals(".") || name == null;
    if (contents) {
      return targetDir;
    }
    return targetDir.equals(".") ? name.toString() : targetDir + "/" + name;
  }

  private static Planned uploadStep(String folder, Path local, String target) {
    String label = "Uploading " + local.toAbsolutePath().normalize().getFileName();
    if (Files.isDirectory(local)) {
      return new Planned(
          label, local, true, -1, (vf, o) -> vf.uploadDirectory(folder, local, target, o));
    }
    long size;
    try {
      size = Files.size(local);
    } catch (IOException e) {
      size = -1; // the upload itself reports what is wrong with the file
    }
    return new Planned(
        label, local, false, size, (vf, o) -> List.of(vf.upload(folder, local, target, o)));
  }

  private static Planned downloadStep(String folder, String remote, Found found, Path local) {
    String label = "Downloading " + (remote.equals(".") ? folder : remote);
    if (found.kind() == Kind.DIRECTORY) {
      return new Planned(
          label, local, true, -1, (vf, o) -> vf.downloadDirectory(folder, remote, local, o));
    }
    return new Planned(
        label,
        local,
        false,
        found.size(),
        (vf, o) -> List.of(vf.download(folder, remote, local, o)));
  }

  /** {@code vfolder upload NAME PATHS... [-t DIR]}. */
  @Command(
      name = "upload",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Upload files and directories (recursively) into a folder.",
        "Each PATH goes to TARGET/<its name>; a directory written with a trailing slash (data/) or '.' "
            + "puts its content into TARGET itself. Existing files in the folder are replaced.",
        "Examples:",
        "  backend.ai vfolder upload mydata ./inputs",
        "  backend.ai vfolder upload mydata train.csv test.csv -t datasets --no-resume"
      })
  static final class Upload extends VfolderSubcommand.OnFolder {
    Upload(Cli cli) {
      super(cli);
    }

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "PATHS",
        description = "Local files or directories.")
    List<String> paths = new ArrayList<>();

    @Option(
        names = {"-t", "--target"},
        paramLabel = "DIR",
        defaultValue = ".",
        description = "Directory inside the folder (default: its root); created when missing.")
    String target;

    @Mixin
    TransferFlags flags;

    @Override
    public Integer call() {
      cli.term.quiet(flags.quiet);
      String dir = VfolderFileCommands.remote(target);
      List<Planned> plan = new ArrayList<>();
      for (String a : paths) {
        Path local = existing(a);
        plan.add(uploadStep(name, local, uploadTarget(dir, a, local)));
      }
      return execute(cli, vfolders(), name, true, plan, flags, false);
    }
  }

  /** {@code vfolder download NAME PATHS... [-d DIR]}. */
  @Command(
      name = "download",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Download files and directories (recursively) from a folder.",
        "Each PATH goes to DEST/<its name> ('.' or '/': the folder's whole content into DEST). A broken "
            + "or interrupted download leaves <file>.part, which the same command resumes; in a "
            + "directory it skips the files already complete (same size and modification time).",
        "Examples:",
        "  backend.ai vfolder download mydata results",
        "  backend.ai vfolder download mydata / -d ./backup --exclude '*.tmp'"
      })
  static final class Download extends VfolderSubcommand.OnFolder {
    Download(Cli cli) {
      super(cli);
    }

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "PATHS",
        description = "Files or directories inside the folder.")
    List<String> paths = new ArrayList<>();

    @Option(
        names = {"-d", "--dest"},
        paramLabel = "DIR",
        defaultValue = ".",
        description = "Local destination directory (default: the current one).")
    Path dest;

    @Option(
        names = "--overwrite",
        description = "Replace local files that exist (even those already complete).")
    boolean overwrite;

    @Mixin
    TransferFlags flags;

    @Override
    public Integer call() {
      cli.term.quiet(flags.quiet);
      VFolders vf = vfolders();
      List<Planned> plan = new ArrayList<>();
      for (String p : paths) {
        String r = VfolderFileCommands.remote(p);
        Found f = VfolderFileCommands.existing(vf, name, r, true);
        Path local = r.equals(".") ? dest : dest.resolve(VfolderFileCommands.baseName(r));
        plan.add(downloadStep(name, r, f, local));
      }
      return execute(cli, vf, name, false, plan, flags, overwrite);
    }
  }

  /** {@code vfolder cp [-r] SRC... DST}, scp-style. */
  @Command(
      name = "cp",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Copy between local paths and folders, scp-style: a folder path is NAME:PATH.",
        "Either every SRC is local and DST is in a folder (upload), or every SRC is in one folder and "
            + "DST is local (download). A DST that is an existing directory, ends with '/', or receives "
            + "several SRC gets each SRC under its name; otherwise SRC is copied as DST. Directories need "
            + "-r. A local path with a colon is written ./a:b.",
        "Examples:",
        "  backend.ai vfolder cp -r ./data mydata:/inputs/",
        "  backend.ai vfolder cp -r mydata:/results ./out",
        "  backend.ai vfolder cp mydata:notes.txt ."
      })
  static final class Cp extends VfolderSubcommand {
    Cp(Cli cli) {
      super(cli);
    }

    @Parameters(
        arity = "2..*",
        paramLabel = "SRC... DST",
        description = "Sources, then the destination; folder paths as NAME:PATH.")
    List<String> args = new ArrayList<>();

    @Option(
        names = {"-r", "--recursive"},
        description = "Copy directories and their content.")
    boolean recursive;

    @Option(names = "--overwrite", description = "Replace local files that exist (downloads).")
    boolean overwrite;

    @Mixin
    TransferFlags flags;

    @Override
    public Integer call() {
      cli.term.quiet(flags.quiet);
      List<String> sources = args.subList(0, args.size() - 1);
      String dst = args.get(args.size() - 1);
      Matcher dm = REMOTE.matcher(dst);
      boolean dstRemote = dm.matches();
      long remoteSources =
          sources.stream().filter(s -> REMOTE.matcher(s).matches()).count();
      if (remoteSources > 0 && remoteSources < sources.size()) {
        throw new CliException(
            ExitCode.USAGE, "the sources must be all local or all in one folder, not mixed");
      }
      boolean srcRemote = remoteSources > 0;
      if (srcRemote && dstRemote) {
        throw new CliException(
            ExitCode.USAGE,
            "cannot copy from a folder to a folder: download to a local directory, then upload");
      }
      if (!srcRemote && !dstRemote) {
        throw new CliException(
            ExitCode.USAGE,
            "both paths are local: one side must be a folder path, NAME:PATH (e.g. mydata:/inputs/)");
      }
      return dstRemote ? upload(sources, dm.group(1), dm.group(2)) : download(sources, dst);
    }

    private int upload(List<String> sources, String folder, String dstPath) {
      String to = VfolderFileCommands.remote(dstPath);
      List<Path> locals = new ArrayList<>();
      for (String s : sources) {
        Path p = existing(s);
        if (Files.isDirectory(p) && !recursive) {
          throw new CliException(ExitCode.USAGE, s + " is a directory (use -r)");
        }
        locals.add(p);
      }
      VFolders vf = vfolders();
      boolean into = dstPath.isEmpty()
          || dstPath.endsWith("/")
          || to.equals(".")
          || sources.size() > 1
          || VfolderFileCommands.kind(vf, folder, to) == Kind.DIRECTORY;
      List<Planned> plan = new ArrayList<>();
      for (int i = 0; i < locals.size(); i++) {
        Path local = locals.get(i);
        String target = into ? uploadTarget(to, sources.get(i), local) : to;
        plan.add(uploadStep(folder, local, target));
      }
      return execute(cli, vf, folder, true, plan, flags, false);
    }

    private int download(List<String> sources, String dst) {
      String folder = null;
      List<String> remotes = new ArrayList<>();
      for (String s : sources) {
        Matcher m = REMOTE.matcher(s);
        m.matches();
        if (folder != null && !folder.equals(m.group(1))) {
          throw new CliException(
              ExitCode.USAGE,
              "the sources must be in one folder (" + folder + ", " + m.group(1) + ")");
        }
        folder = m.group(1);
        remotes.add(VfolderFileCommands.remote(m.group(2)));
      }
      VFolders vf = vfolders();
      List<Found> found = new ArrayList<>();
      for (String r : remotes) {
        found.add(VfolderFileCommands.existing(vf, folder, r, recursive));
      }
      Path dest = Path.of(dst);
      boolean into = dst.endsWith("/") || Files.isDirectory(dest) || sources.size() > 1;
      List<Planned> plan = new ArrayList<>();
      for (int i = 0; i < remotes.size(); i++) {
        String r = remotes.get(i);
        Path local =
            !into ? dest : dest.resolve(r.equals(".") ? folder : VfolderFileCommands.baseName(r));
        plan.add(downloadStep(folder, r, found.get(i), local));
      }
      return execute(cli, vf, folder, false, plan, flags, overwrite);
    }
  }
}
