package ai.backend.client.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * picocli's factory for one invocation: a class with a constructor taking the {@link Cli} gets this
 * invocation's context through it (commands, and subcommands picocli creates from
 * {@code @Command(subcommands = …)}); everything else is created by picocli's default factory.
 */
final class CommandFactory implements CommandLine.IFactory {
  private final Cli cli;
  // Created on first use: its class looks for Groovy's Closure when it is loaded, a class-path
  // search of
  // the CLI jar that --help and ps do not need otherwise.
  private CommandLine.IFactory fallback;

  CommandFactory(Cli cli) {
    this.cli = cli;
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    for (Constructor<?> c : cls.getDeclaredConstructors()) {
      if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Cli.class) {
        c.setAccessible(true);
        return cls.cast(c.newInstance(cli));
      }
    }
    synchronized (this) {
      if (fallback == null) {
        fallback = CommandLine.defaultFactory();
      }
    }
    return fallback.create(cls);
  }
}
