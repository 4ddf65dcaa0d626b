package io.hlbridge.engine.integrations;

import io.hlbridge.engine.api.HttpReplies;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The pages the OAuth callback shows in the merchant's browser, in the console's look (its stylesheet,
 * served by the same engine): "connected", which goes back to the console by itself after a short
 * pause (a meta refresh, so it works without script) and has the link too; and a refusal, which says
 * what went wrong and links back, but stays so it can be read. Everything shown is escaped.
 */
final class CallbackPages {
    private CallbackPages() {
    }

    static String connected(String text, String back, int seconds) {
        return page("HighLevel connected", "<meta http-equiv=\"refresh\" content=\"" + seconds + ";url=" + escape(back) + "\">",
                "<p class=\"notice\" id=\"outcome\" role=\"status\">" + escape(text) + "</p>"
                        + "<p>Taking you back to the console in " + seconds + " seconds…</p>"
                        + "<p><a class=\"button\" id=\"back\" href=\"" + escape(back) + "\">Back to the console</a></p>");
    }

    static String refused(String title, String text, String back) {
        return page(title, "",
                "<p class=\"alert\" id=\"outcome\" role=\"alert\">" + escape(text) + "</p>"
                        + "<p>Nothing was changed. Start the connection again from the console (“Connect with OAuth” or "
                        + "“Reconnect” on the integration’s row).</p>"
                        + "<p><a class=\"button\" id=\"back\" href=\"" + escape(back) + "\">Back to the console</a></p>");
    }

    static void send(Exchange exchange, int status, String html) {
        Message message = exchange.getMessage();
        HttpReplies.clearHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        message.setHeader("Cache-Control", "no-store");
        message.setBody(html);
    }

    private static String page(String title, String head, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s</title>%s
                <link rel="stylesheet" href="/console/console.css"></head>
                <body><header class="topbar"><h1>hlbridge <span>store → HighLevel</span></h1></header>
                <main id="main" class="callback"><section class="card"><h2>%s</h2>%s</section></main></body></html>
                """.formatted(escape(title), head, escape(title), body);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
