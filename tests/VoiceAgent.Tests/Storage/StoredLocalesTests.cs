using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Storage.Records;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Storage;

/// <summary>The locale table lives in the records store and is read per call.</summary>
public sealed class StoredLocalesTests : IAsyncLifetime
{
    private RecordsBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordsBackend.CreateAsync("sqlite");
    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task An_edited_row_applies_to_the_next_call_without_a_restart()
    {
        await using var store = _backend.OpenStore();
        var builtIn = new LocaleTable(LocaleTable.BuiltIn("voice-default"), "en-US");
        var startup = new RecordsStartup(store, builtIn.Rows, TimeProvider.System, NullLogger<RecordsStartup>.Instance);
        await startup.StartAsync(CancellationToken.None);
        await startup.Migrated.DefaultTimeout();
        var locales = new StoredLocales(store, startup, builtIn, NullLogger<StoredLocales>.Instance);
        var parameters = new Dictionary<string, string>();

        var before = await locales.ResolveAsync("+4930123456", parameters, CancellationToken.None);
        await store.UpsertLocaleAsync(before with { TtsVoiceId = "voice-berlin", SttModel = "nova-2" }, CancellationToken.None);
        await store.UpsertLocaleAsync(new CallLocale("nl-NL", ["31"], "nova-3", "nl", "voice-nl", "nl"), CancellationToken.None);
        var after = await locales.ResolveAsync("+4930123456", parameters, CancellationToken.None);
        var added = await locales.ResolveAsync("+31201234567", parameters, CancellationToken.None);

        Assert.Equal(("de-DE", "voice-default"), (before.Name, before.TtsVoiceId));
        Assert.Equal(("de-DE", "voice-berlin", "nova-2"), (after.Name, after.TtsVoiceId, after.SttModel));
        Assert.Equal("nl-NL", added.Name);
        await startup.StopAsync(CancellationToken.None);
    }
}
