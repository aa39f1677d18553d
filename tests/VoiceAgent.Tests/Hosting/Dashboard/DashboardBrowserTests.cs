using Microsoft.Playwright;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Hosting.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium (Debian's <c>chromium</c>, installed by scripts/test.sh, driven by
/// Playwright): log in, watch a ConversationRelay call placed by the test while it is live, and its turn's waterfall
/// fill in hop by hop, then hang up and see the call's cost, priced from its usage, in the calls table. Leaves screenshots
/// in the test output: artifacts/dashboard-live.png mid-call, artifacts/dashboard.png after the call ended (the README's).
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string Token = "admin-token-0123456789abcdef";
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly float Timeout = 20_000;

    [Fact]
    public async Task After_login_the_page_shows_a_live_call_and_its_waterfall_fills_in_as_the_turn_happens()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium package.");
        // Prices chosen so the call's cost is a figure only its usage can produce: the carrier is free here (the call's
        // length on a loaded machine is not known), the model is priced per token.
        using var prices = new TestPriceFile("conversation-relay", carrierPerMinute: 0, sttPerMinute: 0, ttsPer1kCharacters: 0,
            inputPerMillion: 2000, cachedInputPerMillion: 500, outputPerMillion: 10000);
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token, ["WELCOME_GREETING"] = "", ["PRICES_FILE"] = prices.Path });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 800 } });
        page.SetDefaultTimeout(Timeout);

        await page.GotoAsync(new Uri(server.Address, "/dashboard").ToString());
        await page.FillAsync("#token", Token);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#stream[data-state=live]");

        // The model answers the first words, then holds the rest of its reply until the test lets it go.
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Its usage: 1200 input tokens of which 1000 from the prompt cache, two deltas = two output tokens.
        server.Model.Enqueue(new ChatReply { TextChunks = ["We open at nine, ", "and close at five."], Gate = rest.Task, GateAfterDeltas = 1, InputTokens = 1200, CachedInputTokens = 1000 });
        var callSid = "CA" + Guid.NewGuid().ToString("N");
        await using var caller = await ConversationRelayCaller.ConnectAsync(server.SocketUrl, RelayServer.SignedSocketUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await caller.SendSetupAsync(callSid, RelayServer.AccountSid).DefaultTimeout();

        var row = page.Locator($"#calls tr[data-call-id='{callSid}']");
        await row.WaitForAsync();
        await row.ClickAsync();
        var sentAt = await caller.SendPromptAsync("When are you open?").DefaultTimeout();

        // Mid-turn: the hops up to the first token out are on the page, the turn is in progress, the call speaking.
        var turn = page.Locator(".turn[data-turn-id]").First;
        await turn.Locator(".hop[data-hop='first-token-sent']").WaitForAsync();
        await Assertions.Expect(turn.Locator(".hop[data-hop='socket-received']")).ToBeVisibleAsync();
        await Assertions.Expect(turn.Locator(".hop[data-hop='model-request-sent']")).ToBeVisibleAsync();
        await Assertions.Expect(turn.Locator(".hop[data-hop='first-model-delta']")).ToBeVisibleAsync();
        await Assertions.Expect(turn.Locator("h3")).ToContainTextAsync("in progress");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "speaking");
        Assert.Equal(0, await turn.Locator(".hop[data-hop='last-frame-sent']").CountAsync());

        rest.SetResult();
        var reply = await caller.ReadReplyAsync(sentAt).DefaultTimeout();
        Assert.Equal("We open at nine, and close at five.", reply.Text);

        // The rest of the waterfall arrives and the turn closes, while the call is still live.
        await turn.Locator(".hop[data-hop='last-frame-sent']").WaitForAsync();
        await Assertions.Expect(turn.Locator("h3")).ToContainTextAsync("Completed");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "listening");
        // The finished turn is in the percentiles against the budget.
        await Assertions.Expect(page.Locator("#latency tr[data-key='model_first_token']")).ToHaveAttributeAsync("data-samples", "1");
        await Assertions.Expect(page.Locator("#latency tr[data-key='relay_first_frame']")).ToHaveAttributeAsync("data-samples", "1");

        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        var live = Path.Combine(artifacts, "dashboard-live.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = live, FullPage = true });
        Assert.True(new FileInfo(live).Length > 10_000);

        // The caller hangs up: the call is priced from what it used and the cost column shows it.
        await caller.DisposeAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "ended");
        var cost = row.Locator("td.cost");
        // Model: 200 uncached × 2000 + 1000 cached × 500 + 2 output × 10000, per million = 0.4 + 0.5 + 0.02.
        await Assertions.Expect(cost).ToHaveTextAsync("EUR 0.9200");
        await Assertions.Expect(cost).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"model EUR 0\.9200 \(1200 in, 1000 cached, 2 out\)"));
        var screenshot = Path.Combine(artifacts, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }
}
