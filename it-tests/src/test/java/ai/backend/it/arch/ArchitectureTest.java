package ai.backend.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noCodeUnits;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module dependency rules of docs/architecture.md: ports depend on the JDK only; the domain on ports
 * and Gson (Gson only inside {@code internal}); adapters on ports and their libraries, never on the
 * domain or each other; the local server on no client code; nobody but the domain and the CLI on the
 * domain's {@code internal} packages; the CLI on no adapter; no package cycles inside a module.
 * {@link ModuleBoundaryTest} checks the same boundary as the JVM enforces it (module-info).
 */
class ArchitectureTest {
  private static final String PORT = "ai.backend.client.port..";
  private static final String TRANSPORT = "ai.backend.client.transport..";
  private static final String CLI = "ai.backend.client.cli..";
  private static final String INTERNAL = "ai.backend.client.internal..";
  private static final String ERRORS = "ai.backend.client.errors..";
  private static final String GSON = "com.google.gson..";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(new ImportOption.DoNotIncludeTests())
        // test jars (local-server's fixtures) are tests too
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("ai.backend");
  }

  @Test
  void portsDependOnTheJdkOnly() {
    classes()
        .that()
        .resideInAPackage(PORT)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(PORT, "java..", "javax..")
        .check(classes);
  }

  @Test
  void domainDependsOnPortsJdkAndGsonOnly() {
    classes()
        .that()
        .resideInAPackage("ai.backend.client..")
        .and()
        .resideOutsideOfPackages(PORT, TRANSPORT, CLI)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("ai.backend.client", ERRORS, INTERNAL, PORT, "java..", "javax..", GSON)
        .check(classes);
  }

  @Test
  void gsonOnlyInsideInternal() {
    noClasses()
        .that()
        .resideInAPackage("ai.backend.client..")
        .and()
        .resideOutsideOfPackages(INTERNAL, CLI, TRANSPORT)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(GSON)
        .check(classes);
  }

  @Test
  void publicApiTypesAreFinalRecordsEnumsOrInterfaces() {
    // exceptions form a hierarchy on purpose; every other public type is closed for extension
    classes()
        .that()
        .resideInAPackage("ai.backend.client")
        .and()
        .arePublic()
        .and()
        .areNotInterfaces()
        .and()
        .areNotEnums()
        .and()
        .areNotAssignableTo(Throwable.class)
        .should()
        .haveModifier(JavaModifier.FINAL)
        .check(classes);
  }

  @Test
  void adaptersDependOnPortsNotOnTheDomain() {
    noClasses()
        .that()
        .resideInAPackage(TRANSPORT)
        .should()
        .dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
            "domain classes of ai.backend.client",
            c -> c.getPackageName().startsWith("ai.backend.client")
                && !c.getPackageName().startsWith("ai.backend.client.port")
                && !c.getPackageName().startsWith("ai.backend.client.transport")))
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void adaptersDoNotDependOnEachOther() {
    slices()
        .matching("ai.backend.client.transport.(*)..")
        .should()
        .notDependOnEachOther()
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void localServerIsIndependentOfTheClient() {
    noClasses()
        .that()
        .resideInAPackage("ai.backend.local..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.backend.client..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void onlyTheDomainAndTheCliUseInternal() {
    noClasses()
        .that()
        .resideOutsideOfPackages("ai.backend.client", ERRORS, INTERNAL, CLI)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(INTERNAL)
        .check(classes);
  }

  @Test
  void publicPackagesExposeNoInternalType() {
    // a public signature naming an internal type would force users to import it
    DescribedPredicate<JavaClass> internal = DescribedPredicate.describe(
        "an internal type", JavaClass.Predicates.resideInAPackage(INTERNAL)::test);
    noCodeUnits()
        .that()
        .areDeclaredInClassesThat()
        .resideInAnyPackage("ai.backend.client", ERRORS)
        .and()
        .areDeclaredInClassesThat()
        .arePublic()
        .and()
        .arePublic()
        .should()
        .haveRawReturnType(internal)
        .orShould()
        .haveRawParameterTypes(DescribedPredicate.describe(
            "an internal parameter type",
            (java.util.List<JavaClass> ps) -> ps.stream().anyMatch(internal)))
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    // one slice per top-level package of each module (the domain's root package and its internal
    // package are one unit: the public classes are thin faces over internal and internal returns
    // them)
    slices()
        .matching("ai.backend.client.internal.(*)..")
        .should()
        .beFreeOfCycles()
        .check(classes);
    slices().matching("ai.backend.client.(*)..").should().beFreeOfCycles().check(classes);
    slices().matching("ai.backend.client.cli.(*)..").should().beFreeOfCycles().check(classes);
    slices().matching("ai.backend.local.(*)..").should().beFreeOfCycles().check(classes);
  }

  /** The CLI finds its transport like any embedder, through discovery. */
  @Test
  void cliUsesNoAdapterDirectly() {
    noClasses()
        .that()
        .resideInAPackage(CLI)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(TRANSPORT)
        .check(classes);
  }

  @Test
  void onlyTheCliUsesAdapters() {
    noClasses()
        .that()
        .resideOutsideOfPackages(TRANSPORT, CLI)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(TRANSPORT)
        .check(classes);
  }

  /**
   * The libraries keep no state in static fields: two sessions (or two embedders in one JVM) never see
   * each other's settings, and nothing needs a reset between tests.
   */
  @Test
  void librariesHaveNoStaticMutableFields() {
    fields()
        .that()
        .areStatic()
        .and()
        .areDeclaredInClassesThat()
        .resideInAnyPackage("ai.backend.client", ERRORS, INTERNAL, PORT, TRANSPORT)
        .should()
        .beFinal()
        .check(classes);
  }
}
