package ai.backend.client.cli.commands;

import ai.backend.client.ComputeSessionListQuery;
import ai.backend.client.ComputeSessionPage;
import ai.backend.client.ComputeSessionSummary;
import ai.backend.client.Session;
import ai.backend.client.cli.Cli;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code ps}: list compute sessions (GraphQL, spec §7). Its model is built in code, like the root's:
 * reading the annotations of a command costs picocli tens of milliseconds, which {@code ps}, the most
 * frequent command after {@code run}, should not pay.
 */
public final class PsCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "List compute sessions.";

  static final List<String> RUNNING = List.of("CREATING", "RUNNING", "RUNNING_DEGRADED");
  static final List<String> DEAD = List.of("CANCELLED", "TERMINATED");

  private CommandSpec spec;
  List<String> statuses = new ArrayList<>();
  boolean all;
  boolean running;
  boolean dead;
  boolean nameOnly;
  int limit;
  int offset;

  private final Cli cli;

  private PsCommand(Cli cli) {
    this.cli = cli;
  }

  /** The command's model; the parsed values are read from it when the command runs. */
  public static CommandSpec spec(Cli cli) {
    PsCommand ps = new PsCommand(cli);
    CommandSpec s = CommandSpec.wrapWithoutInspection(ps, cli.factory());
    ps.spec = s;
    s.name("ps");
    s.usageMessage()
        .sortOptions(false)
        .description(
            SUMMARY,
            "By default the active ones: pending, starting, running, terminating, error.",
            "With --output json: {\"count\", \"total_count\", \"items\": [...]}.");
    s.addOption(OptionSpec.builder("-s", "--status")
        .type(List.class)
        .auxiliaryTypes(String.class)
        .splitRegex(",")
        .paramLabel("STATUS")
        .arity("1")
        .description(
            "Only sessions with these statuses (comma-separated or repeated), e.g. RUNNING,TERMINATED; "
                + "ALL for every status.")
        .build());
    s.addOption(flag("-a", "--all", "Every status, including terminated and cancelled sessions."));
    s.addOption(flag("--running", null, "Only creating and running sessions."));
    s.addOption(flag("--dead", null, "Only terminated and cancelled sessions."));
    s.addOption(flag("--name-only", null, "Print only the session names, one per line."));
    s.addOption(OptionSpec.builder("--limit")
        .type(int.class)
        .paramLabel("N")
        .defaultValue("0")
        .description("Show at most N sessions (default: all).")
        .build());
    s.addOption(OptionSpec.builder("--offset")
        .type(int.class)
        .paramLabel("N")
        .defaultValue("0")
        .description("Skip the first N sessions.")
        .build());
    RootCommand.addHelpAndVersion(s);
    return s;
  }

  private static OptionSpec flag(String name, String longName, String description) {
    OptionSpec.Builder b =
        longName == null ? OptionSpec.builder(name) : OptionSpec.builder(name, longName);
    return b.type(boolean.class).arity("0").description(description).build();
  }

  private void readOptions() {
    List<String> st = spec.findOption("--status").getValue();
    statuses = st == null ? new ArrayList<>() : st;
    all = Boolean.TRUE.equals(spec.findOption("--all").getValue());
    running = Boolean.TRUE.equals(spec.findOption("--running").getValue());
    dead = Boolean.TRUE.equals(spec.findOption("--dead").getValue());
    nameOnly = Boolean.TRUE.equals(spec.findOption("--name-only").getValue());
    limit = spec.findOption("--limit").<Integer>getValue();
    offset = spec.findOption("--offset").<Integer>getValue();
  }

  @Override
  public Integer call() {
    readOptions();
    List<String> wanted = new ArrayList<>();
    for (String s : statuses) {
      wanted.add(s.trim().toUpperCase(Locale.ROOT));
    }
    if (all || wanted.contains("ALL")) {
      wanted = List.of();
    } else if (running) {
      wanted = RUNNING;
    } else if (dead) {
      wanted = DEAD;
    } else if (wanted.isEmpty()) {
      wanted = ComputeSessionListQuery.ACTIVE;
    }
    Session session = cli.backend.session();
    List<ComputeSessionSummary> items = new ArrayList<>();
    long total = 0;
    int off = offset;
    while (true) {
      int want = limit > 0 ? Math.min(100, limit - items.size()) : 100;
      ComputeSessionPage page =
          session.admin().listSessions(new ComputeSessionListQuery(wanted, want, off, null));
      total = page.totalCount();
      items.addAll(page.items());
      off += page.items().size();
      if (page.items().size() < want || (limit > 0 && items.size() >= limit) || off >= total) {
        break;
      }
    }
    if (cli.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ComputeSessionSummary s : items) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("session_id", s.id());
        m.put("image", s.image());
        m.put("type", s.type());
        m.put("status", s.status());
        m.put("status_info", s.raw().get("status_info"));
        m.put("created_at", s.createdAt());
        rows.add(m);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("count", rows.size());
      out.put("total_count", total);
      out.put("items", rows);
      cli.printJson(out);
      return 0;
    }
    if (nameOnly) {
      items.forEach(s -> cli.term.out.println(s.name()));
      cli.term.out.flush();
      return 0;
    }
    if (items.isEmpty()) {
      cli.term.out.println("No matching items.");
      cli.term.out.flush();
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (ComputeSessionSummary s : items) {
      rows.add(List.of(
          nz(s.name()),
          nz(s.id()),
          nz(s.image()),
          nz(s.type()),
          nz(s.status()),
          nz(s.raw().get("status_info")),
          nz(s.createdAt())));
    }
    cli.printTable(
        List.of("Name", "Session ID", "Image", "Type", "Status", "Status Info", "Created At"),
        rows);
    if (limit == 0 && total > items.size() + offset) {
      cli.term.info("Showing " + items.size() + " of " + total + " sessions.");
    }
    return 0;
  }

  private static String nz(Object o) {
    return o == null ? "" : String.valueOf(o);
  }
}
