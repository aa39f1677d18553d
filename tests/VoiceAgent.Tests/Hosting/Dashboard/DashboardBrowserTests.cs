using Microsoft.Playwright;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Hosting.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium (Debian's <c>chromium</c>, installed by scripts/test.sh, driven by
/// Playwright): log in, watch a ConversationRelay call placed by the test while it is live, and its turn's waterfall
/// fill in hop by hop. Leaves a screenshot in the test output (artifacts/dashboard.png).
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
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token, ["WELCOME_GREETING"] = "" });
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
        server.Model.Enqueue(new ChatReply { TextChunks = ["We open at nine, ", "and close at five."], Gate = rest.Task, GateAfterDeltas = 1 });
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
        var screenshot = Path.Combine(artifacts, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }
}
