package io.drawbridge;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.drawbridge.authn.IssuersCheck;
import io.drawbridge.config.CatalogCheck;
import io.drawbridge.policy.PolicyCheck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering the code relies on, checked on the compiled main classes: the request's stages (one package each)
 * depend on one another without cycles, policy is a pure function, pages and configuration know nothing of the
 * server they run in. The shared words ({@code Reason}, {@code Outcome}, {@code ExchangeKeys}) live in the base
 * package, which is no slice.
 */
@AnalyzeClasses(packages = "io.drawbridge", importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("io.drawbridge.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule policyIsPure = noClasses().that().resideInAPackage("io.drawbridge.policy..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "io.netty..", "java.io..",
                    "java.nio..", "java.net..")
            .because("policy is a pure function of the route's policy, the request's facts and the identity");

    @ArchTest
    static final ArchRule pagesKnowNoServer = noClasses().that().resideInAPackage("io.drawbridge.page..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "io.netty..")
            .because("a page is rendered from values; the edge decides how it is sent");

    @ArchTest
    static final ArchRule configurationKnowsNoServer = noClasses().that().resideInAPackage("io.drawbridge.config..")
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.drawbridge.edge..",
                    "io.drawbridge.proxy..", "io.drawbridge.route..")
            .because("configuration is read and checked before any listener exists");

    @ArchTest
    static final ArchRule auditKnowsNoEdge = noClasses().that().resideInAPackage("io.drawbridge.audit..")
            .should().dependOnClassesThat().resideInAnyPackage("io.drawbridge.edge..", "io.netty.channel..",
                    "io.netty.handler..", "io.netty.buffer..")
            .because("the edge hands audit/ a RequestOutcome; the record is built from that alone (the file sink"
                    + " may know the event loop as an executor, io.netty.util.concurrent, to group-commit on it)");

    @ArchTest
    static final ArchRule theStagesChecksAreListedOnce = noClasses().that().doNotHaveSimpleName("ConfigChecks")
            .should().callConstructor(IssuersCheck.class).orShould().callConstructor(PolicyCheck.class)
            .orShould().callConstructor(CatalogCheck.class)
            .because("ConfigChecks.standard() is the one list: startup, reload and the CLI must not check less");

    @ArchTest
    static final ArchRule devModeIsLoadedOnlyByTheBootstrap = noClasses().that()
            .resideInAPackage("io.drawbridge..").and().resideOutsideOfPackages("io.drawbridge.dev..",
                    "io.drawbridge.cli..")
            .and().doNotHaveSimpleName("Drawbridge").and().doNotHaveSimpleName("Gateway")
            .should().dependOnClassesThat().resideInAPackage("io.drawbridge.dev..")
            .because("dev mode's issuer and upstreams exist only when dev mode starts them");
}
