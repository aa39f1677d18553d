using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoiceAgent.Emulators.Hosting;

namespace VoiceAgent.Emulators.Twilio.Rest;

/// <summary>
/// Twilio's Programmable Voice REST API, the part the agent uses: <c>POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json</c>
/// (update a live call), HTTP Basic auth with the account SID and auth token, form-encoded parameters, JSON Call
/// resource or Twilio's error shape. Records every request; a status can be injected for the next one.
/// </summary>
public sealed partial class TwilioRestEmulator(string accountSid, string authToken) : EmulatorHost
{
    private readonly ConcurrentQueue<int> _faults = new();
    private readonly ConcurrentQueue<TwilioCallUpdate> _updates = new();
    private readonly SemaphoreSlim _updated = new(0);

    /// <summary>Every accepted call update, in order.</summary>
    public IReadOnlyCollection<TwilioCallUpdate> Updates => _updates;

    /// <summary>The next request is answered with this HTTP status and Twilio's error body.</summary>
    public void FailNext(int status) => _faults.Enqueue(status);

    /// <summary>Waits for the next accepted update.</summary>
    public async Task<TwilioCallUpdate> WaitForUpdateAsync(CancellationToken cancellationToken = default)
    {
        await _updated.WaitAsync(cancellationToken);
        return _updates.Last();
    }

    protected override void MapRoutes(WebApplication app)
    {
        app.MapPost("/2010-04-01/Accounts/{account}/Calls/{callFile}", HandleAsync);
        MapConferenceRoutes(app);
        MapRecordings(app);
        MapCallRoutes(app);
    }

    private async Task<IResult> HandleAsync(HttpContext context, string account, string callFile)
    {
        if (!Authorized(context.Request.Headers.Authorization.ToString()) || account != accountSid)
            return Error(401, 20003, "Authenticate");
        if (_faults.TryDequeue(out var status)) return Error(status, status == 404 ? 20404 : 20500, "Injected fault (emulator)");
        if (!callFile.EndsWith(".json", StringComparison.Ordinal)) return Error(404, 20404, "The requested resource was not found");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var callSid = callFile[..^".json".Length];
        var update = new TwilioCallUpdate(callSid, form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
        if (update.Parameters.ContainsKey("Twiml") && update.Parameters.ContainsKey("Url"))
            return Error(400, 21220, "Twiml and Url are mutually exclusive");
        _updates.Enqueue(update);
        ApplyTwiml(callSid, update.Parameters.GetValueOrDefault("Twiml"));
        _updated.Release();
        OnCallUpdated(update);
        var body = new Dictionary<string, string?>
        {
            ["sid"] = callSid,
            ["account_sid"] = accountSid,
            ["status"] = update.Parameters.GetValueOrDefault("Status") ?? "in-progress",
            ["api_version"] = "2010-04-01",
            ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Calls/{callSid}.json",
        };
        return Results.Text(JsonSerializer.Serialize(body, TwilioRestJsonContext.Default.DictionaryStringString), "application/json", Encoding.UTF8, 200);
    }

    private bool Authorized(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.Ordinal)) return false;
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])) == $"{accountSid}:{authToken}"; }
        catch (FormatException) { return false; }
    }

    internal static IResult Error(int status, int code, string message)
    {
        var body = $$"""{"code":{{code}},"message":{{JsonSerializer.Serialize(message, TwilioRestJsonContext.Default.String)}},"more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""";
        return Results.Text(body, "application/json", Encoding.UTF8, status);
    }
}

/// <summary>One accepted call update: which call, and its form parameters (e.g. <c>Twiml</c>).</summary>
public sealed record TwilioCallUpdate(string CallSid, IReadOnlyDictionary<string, string> Parameters);
