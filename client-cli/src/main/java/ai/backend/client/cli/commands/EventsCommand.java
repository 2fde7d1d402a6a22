package ai.backend.client.cli.commands;

import ai.backend.client.ComputeSessionEvent;
import ai.backend.client.EventFilter;
import ai.backend.client.EventSubscription;
import ai.backend.client.cli.Cli;
import ai.backend.client.errors.BackendException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code events [NAME]}: session lifecycle events (SSE), one line each; NDJSON with {@code --output json}. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      EventsCommand.SUMMARY,
      "They stream until Ctrl-C (or --max-events / --wait).",
      "With --output json each event is one JSON line (NDJSON)."
    })
public final class EventsCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Stream session lifecycle events.";

  private final Cli cli;

  public EventsCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAME",
      defaultValue = "*",
      description = "Session name (default: * = all).")
  String name;

  @Option(
      names = "--scope",
      defaultValue = "*",
      description = "Event scope: session, kernel, or * (default).")
  String scope;

  @Option(
      names = "--wait",
      paramLabel = "EVENT",
      description = "Exit after the first event with this name (e.g. session_terminated).")
  String waitFor;

  @Option(
      names = {"-n", "--max-events"},
      paramLabel = "N",
      defaultValue = "0",
      description = "Exit after N events (0 = no limit).")
  int max;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Exit with code 75 after this long without the awaited event (0 = no limit).")
  double timeout;

  @Override
  public Integer call() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<BackendException> failure = new AtomicReference<>();
    int[] count = {0};
    EventSubscription sub = cli.backend
        .session()
        .events()
        .subscribe(
            new EventFilter(name, "*", scope),
            ev -> {
              print(cli, ev);
              count[0]++;
              if ((waitFor != null && waitFor.equals(ev.name())) || (max > 0 && count[0] >= max)) {
                done.countDown();
              }
            },
            e -> {
              failure.set(e);
              done.countDown();
            });
    try (sub) {
      if (timeout > 0) {
        if (!done.await((long) (timeout * 1000), TimeUnit.MILLISECONDS)) {
          cli.term.fail("No matching event within " + timeout + " s.");
          return ai.backend.client.cli.ExitCode.UNAVAILABLE.code;
        }
      } else {
        done.await();
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return 0;
  }

  private static synchronized void print(Cli cli, ComputeSessionEvent ev) {
    if (cli.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("event", ev.name());
      o.put("sessionName", ev.sessionName());
      o.put("sessionId", ev.sessionId());
      o.put("reason", ev.reason());
      o.put("exitCode", ev.exitCode());
      o.put("data", ev.data());
      cli.printJson(o);
    } else {
      cli.term.out.println(ev.name() + " " + (ev.sessionName() == null ? "" : ev.sessionName())
          + (ev.reason() == null || ev.reason().isEmpty() ? "" : " (" + ev.reason() + ")")
          + (ev.exitCode() == null ? "" : " exit=" + ev.exitCode()));
      cli.term.out.flush();
    }
  }
}
