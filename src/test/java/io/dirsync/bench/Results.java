package io.dirsync.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * The side-by-side benchmark's results: one table row per operation (our figure, Keycloak's built-in one, the Admin
 * REST API's, the ratios against the targets), written as Markdown ({@code results.md}) and as a plot
 * ({@code results.png}, drawn with the JDK's headless Java 2D: no bundled dependency).
 */
final class Results {

    /** A ratio against its target; {@code atLeast}: the ratio must reach the target, else stay at or under it. */
    record Check(String what, double ratio, double target, boolean atLeast) {
        boolean met() {
            return atLeast ? ratio >= target : ratio <= target;
        }

        /** How far from the target, as a factor: 1 is the target, above 1 met with room, below 1 missed. */
        double margin() {
            if (!atLeast && ratio <= 0) {
                return 100; // nothing where at most nothing is allowed (e.g. changes written)
            }
            double m = atLeast ? ratio / target : target / ratio;
            return Math.max(0.01, Math.min(100, m));
        }

        String text() {
            if (target == 0) {
                return String.format(Locale.ROOT, "%s %s (target 0)", what, ratio == Math.rint(ratio) ? String.valueOf((long) ratio)
                    : String.valueOf(ratio));
            }
            return String.format(Locale.ROOT, "%s %.2fx (%s %.2gx)", what, ratio, atLeast ? "≥" : "≤", target);
        }
    }

    record Row(String section, String operation, String ours, String builtIn, String adminRest, List<Check> checks) {
        String verdict() {
            if (checks.isEmpty()) {
                return "—";
            }
            return checks.stream().allMatch(Check::met) ? "met" : "**missed**";
        }
    }

    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void header(String line) {
        header.add(line);
    }

    void note(String line) {
        notes.add(line);
        System.out.println("BENCH note: " + line);
    }

    void row(String section, String operation, String ours, String builtIn, String adminRest, Check... checks) {
        Row row = new Row(section, operation, ours, builtIn, adminRest, List.of(checks));
        rows.add(row);
        System.out.printf("BENCH %s | %s | ours %s | built-in %s | Admin REST %s | %s%n", section, operation, ours, builtIn,
            adminRest, String.join("; ", row.checks().stream().map(Check::text).toList()));
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown());
        ImageIO.write(plot(), "png", dir.resolve("results.png").toFile());
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        header.forEach(h -> md.append(h).append("\n\n"));
        md.append("| | operation | ours | Keycloak built-in | Admin REST | ratio vs target | |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (Row r : rows) {
            md.append("| ").append(r.section()).append(" | ").append(r.operation()).append(" | ").append(r.ours())
                .append(" | ").append(r.builtIn()).append(" | ").append(r.adminRest()).append(" | ")
                .append(String.join("<br>", r.checks().stream().map(Check::text).toList())).append(" | ")
                .append(r.verdict()).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append("\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        md.append("\n![Each ratio against its target](results.png)\n");
        return md.toString();
    }

    /** One bar per ratio, on a log scale of its margin: right of the middle line (green) met, left of it (red) missed. */
    BufferedImage plot() {
        System.setProperty("java.awt.headless", "true");
        List<String> labels = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        for (Row r : rows) {
            for (Check c : r.checks()) {
                labels.add(r.section() + ": " + r.operation());
                checks.add(c);
            }
        }
        int labelWidth = 560;
        int barWidth = 520;
        int textWidth = 330;
        int rowHeight = 24;
        int top = 70;
        int width = labelWidth + barWidth + textWidth + 20;
        int height = top + Math.max(1, checks.size()) * rowHeight + 50;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString("Keycloak Directory Sync vs Keycloak's built-in SCIM, Admin REST API and LDAP sync", 10, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(header.isEmpty() ? "" : shorten(g, header.get(0).replace("*", ""), width - 20), 10, 42);
            g.drawString("bar: ratio ÷ target on a log scale (0.1x-10x); right of the line the target is met, left of it missed",
                10, 60);
            int axis = labelWidth + barWidth / 2;
            double unit = barWidth / 2.0; // one decade each side
            for (int i = 0; i < checks.size(); i++) {
                Check c = checks.get(i);
                int y = top + i * rowHeight;
                if (i % 2 == 0) {
                    g.setColor(new Color(245, 245, 245));
                    g.fillRect(0, y, width, rowHeight);
                }
                g.setColor(Color.BLACK);
                g.drawString(shorten(g, labels.get(i), labelWidth - 20), 10, y + 16);
                double x = Math.log10(c.margin()) * unit;
                x = Math.max(-unit, Math.min(unit, x));
                g.setColor(c.met() ? new Color(46, 139, 87) : new Color(200, 50, 50));
                int x0 = (int) Math.round(Math.min(axis, axis + x));
                int w = (int) Math.max(2, Math.round(Math.abs(x)));
                g.fillRect(x0, y + 5, w, rowHeight - 10);
                g.setColor(Color.BLACK);
                g.drawString(c.text(), labelWidth + barWidth + 10, y + 16);
            }
            int bottom = top + checks.size() * rowHeight;
            g.setStroke(new BasicStroke(2));
            g.drawLine(axis, top - 4, axis, bottom + 4);
            g.setStroke(new BasicStroke(1));
            g.setColor(Color.GRAY);
            for (double tick : new double[] {0.1, 0.5, 2, 10}) {
                int tx = axis + (int) Math.round(Math.log10(tick) * unit);
                g.drawLine(tx, top - 2, tx, bottom + 2);
                g.drawString((tick == Math.rint(tick) ? String.valueOf((long) tick) : String.valueOf(tick)) + "x", tx - 10, bottom + 18);
            }
            g.setColor(Color.BLACK);
            g.drawString("target", axis - 18, bottom + 34);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static String shorten(Graphics2D g, String s, int max) {
        if (g.getFontMetrics().stringWidth(s) <= max) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && g.getFontMetrics().stringWidth(t + "…") > max) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }
}
