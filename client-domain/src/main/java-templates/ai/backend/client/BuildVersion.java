package ai.backend.client;

/**
 * This library's version, written into the source when it is built (see the pom). A constant spares
 * every program a class-path resource lookup at start-up (the JDK's module image, then the jar: ~25 ms
 * of a CLI command); {@code version.properties} remains the fallback for builds that skip the template.
 */
final class BuildVersion {
  static final String VERSION = "${project.version}";

  private BuildVersion() {}
}
