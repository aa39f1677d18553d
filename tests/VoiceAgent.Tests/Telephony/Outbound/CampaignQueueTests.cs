using System.Net;
using System.Net.Http.Json;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Storage.Outbound;
using VoiceAgent.Telephony.Outbound;
using VoiceAgent.Tests.Storage;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Outbound;

/// <summary>The campaign queue against the real server, the Twilio REST emulator and a real database.</summary>
public sealed class CampaignQueueTests
{
    [Theory]
    [InlineData("busy")]
    [InlineData("no-answer")]
    public async Task Busy_and_no_answer_are_retried_then_given_up(string outcome)
    {
        await using var h = await OutboundHarness.StartAsync(new Dictionary<string, string?> { ["CAMPAIGN_MAX_ATTEMPTS"] = "2", ["CAMPAIGN_RETRY_DELAY_SECONDS"] = "0" });
        h.Twilio.SetCallee("+15558670001", outcome == "busy" ? CalleeBehavior.Busy : CalleeBehavior.NoAnswer);
        var id = await h.EnqueueAsync(new { to = "+15558670001" });
        var queue = h.Service<CampaignQueue>();

        Assert.Equal(1, await queue.DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        Assert.Equal(outcome, await (await h.Twilio.WaitForCallAsync().DefaultTimeout()).Ended.DefaultTimeout());
        var afterFirst = await h.EntryAsync(id);
        Assert.Equal(QueueStates.Queued, afterFirst.GetProperty("state").GetString());
        Assert.Equal(outcome, afterFirst.GetProperty("lastStatus").GetString());

        Assert.Equal(1, await queue.DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        Assert.Equal(outcome, await (await h.Twilio.WaitForCallAsync().DefaultTimeout()).Ended.DefaultTimeout());
        var final = await h.EntryAsync(id);
        Assert.Equal(QueueStates.GaveUp, final.GetProperty("state").GetString());
        Assert.Equal(2, final.GetProperty("attempts").GetInt32());

        Assert.Equal(0, await queue.DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        Assert.Equal(2, h.Twilio.CreatedCalls.Count);
    }

    [Fact]
    public async Task A_retry_waits_for_the_configured_delay()
    {
        await using var h = await OutboundHarness.StartAsync(new Dictionary<string, string?> { ["CAMPAIGN_RETRY_DELAY_SECONDS"] = "3600" });
        h.Twilio.SetCallee("+15558670002", CalleeBehavior.Busy);
        var id = await h.EnqueueAsync(new { to = "+15558670002" });
        var queue = h.Service<CampaignQueue>();
        var before = DateTimeOffset.UtcNow;
        Assert.Equal(1, await queue.DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        await (await h.Twilio.WaitForCallAsync().DefaultTimeout()).Ended.DefaultTimeout();

        Assert.Equal(0, await queue.DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        var entry = await h.EntryAsync(id);
        Assert.Equal(QueueStates.Queued, entry.GetProperty("state").GetString());
        Assert.True(entry.GetProperty("nextAttemptAt").GetDateTimeOffset() >= before.AddSeconds(3600));
        Assert.Single(h.Twilio.CreatedCalls);
    }

    [Fact]
    public async Task A_number_on_the_do_not_call_list_is_never_dialled()
    {
        await using var h = await OutboundHarness.StartAsync();
        using (var add = await h.Admin.PostAsJsonAsync("/admin/do-not-call", new { number = "+15558670003" }).DefaultTimeout())
            Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);

        using (var direct = await h.Admin.PostAsJsonAsync("/admin/calls", new { to = "+15558670003" }).DefaultTimeout())
            Assert.Equal(HttpStatusCode.Conflict, direct.StatusCode);
        var id = await h.EnqueueAsync(new { to = "+15558670003" });
        Assert.Equal(0, await h.Service<CampaignQueue>().DrainOnceAsync(CancellationToken.None).DefaultTimeout());

        Assert.Equal(QueueStates.DoNotCall, (await h.EntryAsync(id)).GetProperty("state").GetString());
        Assert.Empty(h.Twilio.CreatedCalls);
    }

    [Fact]
    public async Task An_entry_outside_its_calling_hours_waits_for_the_window_to_open_in_its_time_zone()
    {
        // A two-hour window starting three hours from now, in the entry's own zone: closed now whatever the date.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
        var later = TimeOnly.FromDateTime(local.DateTime.AddHours(3));
        var opens = new TimeOnly(later.Hour, later.Minute);
        var window = $"{opens:HH:mm}-{opens.AddHours(2):HH:mm}";
        await using var h = await OutboundHarness.StartAsync(new Dictionary<string, string?> { ["CAMPAIGN_CALLING_HOURS"] = window });
        var id = await h.EnqueueAsync(new { to = "+15558670004", timeZone = "America/New_York" });

        Assert.Equal(0, await h.Service<CampaignQueue>().DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        var entry = await h.EntryAsync(id);
        Assert.Equal(QueueStates.Queued, entry.GetProperty("state").GetString());
        Assert.Equal(0, entry.GetProperty("attempts").GetInt32());
        var due = TimeZoneInfo.ConvertTime(entry.GetProperty("nextAttemptAt").GetDateTimeOffset(), zone);
        Assert.Equal(opens, TimeOnly.FromDateTime(due.DateTime));
        Assert.Empty(h.Twilio.CreatedCalls);
    }

    [Fact]
    public async Task An_entry_inside_its_calling_hours_is_dialled()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var window = $"{local.AddHours(-1):HH:mm}-{local.AddHours(1):HH:mm}";
        await using var h = await OutboundHarness.StartAsync(new Dictionary<string, string?> { ["CAMPAIGN_CALLING_HOURS"] = window });
        h.Twilio.SetCallee("+15558670005", CalleeBehavior.Failed);
        await h.EnqueueAsync(new { to = "+15558670005", timeZone = "Asia/Tokyo" });
        Assert.Equal(1, await h.Service<CampaignQueue>().DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        Assert.Single(h.Twilio.CreatedCalls);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Two_instances_draining_one_queue_never_dial_the_same_entry_twice(string kind)
    {
        await using var db = await RecordsBackend.CreateAsync(kind);
        var twilio = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await twilio.StartAsync().DefaultTimeout();
        twilio.DefaultCallee = _ => CalleeBehavior.Failed; // every call ends at once, never retried
        var shared = new Dictionary<string, string?>(db.ServerSettings(Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray())))
        {
            ["CAMPAIGN_CONCURRENCY"] = "1000",
        };
        await using var a = await OutboundHarness.StartAsync(shared, twilio);
        await using var b = await OutboundHarness.StartAsync(shared, twilio);
        twilio.Route = uri => PublicRoute.To(uri, a.Server.Address);
        const int entries = 30;
        for (var i = 0; i < entries; i++) await a.EnqueueAsync(new { to = $"+1555867{i:D4}" });

        var queueA = a.Service<CampaignQueue>();
        var queueB = b.Service<CampaignQueue>();
        var placed = 0;
        for (var round = 0; round < 20 && placed < entries; round++)
        {
            var both = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { queueA.DrainOnceAsync(CancellationToken.None), queueB.DrainOnceAsync(CancellationToken.None) })).DefaultTimeout();
            placed += both.Sum();
        }

        Assert.Equal(entries, placed);
        var dialled = twilio.CreatedCalls.Select(c => c.To).ToList();
        Assert.Equal(entries, dialled.Count);
        Assert.Equal(entries, dialled.Distinct().Count());
        await twilio.WhenCallsEndedAsync().DefaultTimeout();
        await twilio.DisposeAsync();
    }

    [Fact]
    public async Task The_concurrency_limit_holds_back_entries_while_calls_are_in_progress()
    {
        await using var h = await OutboundHarness.StartAsync(new Dictionary<string, string?> { ["CAMPAIGN_CONCURRENCY"] = "1" });
        await h.EnqueueAsync(new { to = "+15558670006" });
        await h.EnqueueAsync(new { to = "+15558670007" });
        var queue = h.Service<CampaignQueue>();
        Assert.Equal(1, await queue.DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        var first = await h.Twilio.WaitForCallAsync().DefaultTimeout();
        await first.Answered.DefaultTimeout();
        Assert.Equal(0, await queue.DrainOnceAsync(CancellationToken.None).DefaultTimeout());

        first.HangUp();
        Assert.Equal("completed", await first.Ended.DefaultTimeout());
        Assert.Equal(1, await queue.DrainOnceAsync(CancellationToken.None).DefaultTimeout());
        var second = await h.Twilio.WaitForCallAsync().DefaultTimeout();
        await second.Answered.DefaultTimeout();
        second.HangUp();
        await second.Ended.DefaultTimeout();
    }
}
