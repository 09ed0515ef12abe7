package org.oeb.bridge.common.catalog;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * {@code java -jar connector.jar catalog plan|apply [--institution=id] [Spring arguments]}: plans
 * or applies the badge catalog of every institution (or one) with the connector's own
 * configuration, for CI pipelines, and exits. It starts neither the web server nor the pollers,
 * workers or feed readers, so it can run next to the deployed connector.
 * <p>
 * Exit codes: {@code plan} 0 when OEB holds the catalog, 2 when an apply would change something,
 * 1 when OEB could not be read; {@code apply} 0 when every change was made, 1 otherwise.
 */
public final class CatalogCommand {

	private CatalogCommand() {
	}

	/** Whether the arguments ask for the catalog command rather than the connector. */
	public static boolean requested(String... args) {
		return args.length > 0 && "catalog".equals(args[0]);
	}

	/** Runs the command in a context of {@code application} and returns the exit code. */
	public static int run(Class<?> application, PrintStream out, String... args) {
		if (args.length < 2 || !List.of("plan", "apply").contains(args[1])) {
			out.println("usage: java -jar <connector>.jar catalog plan|apply [--institution=<id>] "
					+ "[--spring.config.additional-location=…]");
			return 64;
		}
		String verb = args[1];
		String only = null;
		List<String> springArgs = new ArrayList<>();
		// no endpoints: health would reach for the workers, which the command does not start
		springArgs.add("--management.endpoints.access.default=none");
		for (String arg : Arrays.asList(args).subList(2, args.length)) {
			if (arg.startsWith("--institution=")) {
				only = arg.substring("--institution=".length());
			}
			else {
				springArgs.add(arg);
			}
		}
		SpringApplication spring = new SpringApplication(application);
		spring.setWebApplicationType(WebApplicationType.NONE);
		spring.setBannerMode(Banner.Mode.OFF);
		spring.setLazyInitialization(true);
		spring.addInitializers((context) -> context.addBeanFactoryPostProcessor(withoutOwnLifecycles()));
		try (ConfigurableApplicationContext context = spring.run(springArgs.toArray(String[]::new))) {
			CatalogSync sync = context.getBean(CatalogSync.class);
			List<String> institutions = (only != null) ? List.of(only) : sync.institutions().stream().sorted().toList();
			if (institutions.isEmpty()) {
				out.println("No badge catalog is configured (bridge.catalog.institutions).");
				return 0;
			}
			int exit = 0;
			for (String institution : institutions) {
				if (!sync.institutions().contains(institution)) {
					out.println("No catalog is configured for institution '" + institution + "'.");
					return 1;
				}
				CatalogPlan plan;
				try {
					plan = "apply".equals(verb) ? sync.apply(institution) : sync.plan(institution);
				}
				catch (CatalogSync.ApplyRunning ex) {
					out.println(ex.getMessage());
					exit = 1;
					continue;
				}
				print(plan, out);
				exit = Math.max(exit, exitCode(verb, plan));
			}
			return exit;
		}
	}

	static int exitCode(String verb, CatalogPlan plan) {
		boolean blocked = plan.changes().stream().anyMatch((change) -> change.action() == CatalogPlan.Action.BLOCKED
				|| change.action() == CatalogPlan.Action.WAIT);
		if ("apply".equals(verb)) {
			boolean allDone = plan.changes().stream()
				.filter((change) -> change.action().changes())
				.allMatch((change) -> "done".equals(change.outcome()));
			return (allDone && !blocked) ? 0 : 1;
		}
		return blocked ? 1 : plan.hasChanges() ? 2 : 0;
	}

	static void print(CatalogPlan plan, PrintStream out) {
		out.println("Catalog of institution '" + plan.institution() + "' (issuer " + plan.issuer() + "):");
		for (CatalogPlan.Change change : plan.changes()) {
			StringBuilder line = new StringBuilder("  ")
				.append(String.format("%-9s", change.action().name().toLowerCase(Locale.ROOT)))
				.append(' ')
				.append(change.kind())
				.append(" '")
				.append(change.key())
				.append('\'');
			if (change.entityId() != null) {
				line.append(" (").append(change.entityId()).append(')');
			}
			if (change.outcome() != null) {
				line.append(": ").append(change.outcome());
			}
			out.println(line);
			if (change.note() != null) {
				out.println("      " + change.note());
			}
			if (change.action() != CatalogPlan.Action.CREATE) {
				for (CatalogPlan.FieldChange field : change.fields()) {
					out.println("      " + field.field() + ": " + field.from() + " -> " + field.to());
				}
			}
		}
		long changes = plan.changes().stream().filter((change) -> change.action().changes()).count();
		out.println(changes == 0 ? "  OEB holds the catalog as configured." : "  " + changes + " change(s).");
	}

	/**
	 * Drops the bridge's own background services (pollers, issuing workers, feed readers): a
	 * command must not start issuing next to the deployed connector.
	 */
	private static BeanFactoryPostProcessor withoutOwnLifecycles() {
		return (beanFactory) -> {
			if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
				return;
			}
			for (String name : beanFactory.getBeanDefinitionNames()) {
				BeanDefinition definition = beanFactory.getBeanDefinition(name);
				Class<?> type = beanFactory.getType(name, false);
				if (type != null && SmartLifecycle.class.isAssignableFrom(type)
						&& type.getName().startsWith("org.oeb.bridge.") && !definition.isAbstract()) {
					registry.removeBeanDefinition(name);
				}
			}
		};
	}

}
