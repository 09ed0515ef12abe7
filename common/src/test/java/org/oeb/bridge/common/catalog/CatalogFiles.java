package org.oeb.bridge.common.catalog;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

/** Badge images and catalog properties for the catalog's tests. */
final class CatalogFiles {

	static final String ISSUER = "IssuerOfCatalog0000001";

	private CatalogFiles() {
	}

	/** A real PNG of {@code size}×{@code size} pixels in {@code color}. */
	static Path png(Path directory, String name, int size, Color color) {
		BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
		for (int x = 0; x < size; x++) {
			for (int y = 0; y < size; y++) {
				image.setRGB(x, y, color.getRGB() ^ (x * 31 + y));
			}
		}
		Path file = directory.resolve(name);
		try {
			ImageIO.write(image, "png", file.toFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return file;
	}

	static Path svg(Path directory, String name) {
		Path file = directory.resolve(name);
		try {
			Files.writeString(file, "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
					+ "height=\"10\"><circle cx=\"5\" cy=\"5\" r=\"4\"/></svg>\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return file;
	}

	/**
	 * Institution {@code uni-a}'s catalog: a participation badge, two competency badges, a micro
	 * degree and the learning path that awards it.
	 */
	static Map<String, String> catalog(Path images) {
		Map<String, String> p = new LinkedHashMap<>();
		String at = "bridge.catalog.institutions.uni-a.";
		p.put(at + "issuer", ISSUER);
		String intro = at + "badges.intro.";
		p.put(intro + "category", "participation");
		p.put(intro + "name", "Introduction to Open Science");
		p.put(intro + "description", "Took part in the introduction");
		p.put(intro + "language", "en");
		p.put(intro + "image", png(images, "intro.png", 32, Color.BLUE).toString());
		p.put(intro + "criteria-narrative", "Attend all sessions");
		p.put(intro + "study-load-minutes", "90");
		String data = at + "badges.open-data.";
		p.put(data + "category", "competency");
		p.put(data + "name", "Open Data");
		p.put(data + "description", "Publishes research data openly");
		p.put(data + "language", "de");
		p.put(data + "image", svg(images, "open-data.svg").toString());
		p.put(data + "criteria-url", "https://lms.example.org/course/42");
		p.put(data + "course-url", "https://lms.example.org/course/42");
		p.put(data + "study-load-minutes", "300");
		p.put(data + "competencies[0].esco", "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d");
		p.put(data + "competencies[0].name", "Manage research data");
		p.put(data + "competencies[0].description", "FAIR data");
		p.put(data + "competencies[0].minutes", "180");
		p.put(data + "competencies[0].category", "skill");
		p.put(data + "level", "b1");
		p.put(data + "license", "CC-BY-4.0");
		p.put(data + "expiration-days", "730");
		p.put(data + "tags[0]", "Open Science");
		String code = at + "badges.open-code.";
		p.put(code + "category", "competency");
		p.put(code + "name", "Open Code");
		p.put(code + "description", "Publishes research software openly");
		p.put(code + "language", "en");
		p.put(code + "image", png(images, "open-code.png", 24, Color.GREEN).toString());
		p.put(code + "criteria-narrative", "A published repository");
		p.put(code + "study-load-minutes", "120");
		p.put(code + "competencies[0].esco", "http://data.europa.eu/esco/occupation/0a4e5c4e-3a2b-4f5d-9e1a-2b3c4d5e6f70");
		p.put(code + "competencies[0].name", "Research software engineer");
		p.put(code + "competencies[0].minutes", "120");
		p.put(code + "competencies[0].category", "knowledge");
		String degree = at + "badges.open-science-degree.";
		p.put(degree + "category", "micro-degree");
		p.put(degree + "name", "Open Science Practitioner");
		p.put(degree + "description", "Completed the open science path");
		p.put(degree + "language", "en");
		p.put(degree + "image", png(images, "degree.png", 40, Color.RED).toString());
		p.put(degree + "criteria-narrative", "Earn the badges of the path");
		String path = at + "learning-paths.open-science.";
		p.put(path + "name", "Open Science");
		p.put(path + "description", "From introduction to practice");
		p.put(path + "badges[0]", "intro");
		p.put(path + "badges[1]", "open-data");
		p.put(path + "badges[2]", "open-code");
		p.put(path + "required", "2");
		p.put(path + "micro-degree", "open-science-degree");
		return p;
	}

}
