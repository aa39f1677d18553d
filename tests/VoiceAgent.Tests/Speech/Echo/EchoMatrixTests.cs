using VoiceAgent.Speech.Echo;

namespace VoiceAgent.Tests.Speech.Echo;

/// <summary>
/// The barge-in chain (echo canceller → VAD → barge-in decision) on the echo matrix, in audio time. Deterministic.
/// What the whole matrix scores (false and missed barge-in rates per cell) is printed by <c>bench --scenario echo</c>;
/// these tests pin the cells it must always get right.
/// </summary>
public sealed class EchoMatrixTests
{
    public static TheoryData<int, double, bool> EchoFromTheStart()
    {
        var data = new TheoryData<int, double, bool>();
        foreach (var delay in new[] { 20, 60, 120, 250, 400 })
            foreach (var gain in new[] { -20.0, -12, -6 })
                foreach (var noise in new[] { false, true })
                    data.Add(delay, gain, noise);
        return data;
    }

    [Theory]
    [MemberData(nameof(EchoFromTheStart))]
    public void Echo_present_from_the_start_never_makes_the_agent_cut_itself_off(int delayMs, double gainDb, bool noise)
    {
        var outcome = EchoMatrix.Run(new EchoCell(delayMs, gainDb, MidReply: false, noise, ChangingPath: false, Caller: false), 8000);

        Assert.False(outcome.FalseBargeIn);
    }

    public static TheoryData<int, double, bool> LoudEchoFromTheStart()
    {
        var data = new TheoryData<int, double, bool>();
        foreach (var delay in new[] { 20, 60, 120, 250, 400 })
            foreach (var gain in new[] { -12.0, -6 }) // at -20 dB the caller is only -34 dBFS; the bench reports those cells
                foreach (var noise in new[] { false, true })
                    data.Add(delay, gain, noise);
        return data;
    }

    [Theory]
    [MemberData(nameof(LoudEchoFromTheStart))]
    public void A_caller_6_dB_above_the_echo_stops_the_agent(int delayMs, double gainDb, bool noise)
    {
        var outcome = EchoMatrix.Run(new EchoCell(delayMs, gainDb, MidReply: false, noise, ChangingPath: false, Caller: true), 8000);

        Assert.False(outcome.FalseBargeIn);
        Assert.NotNull(outcome.BargeInAfterOnsetMs);
    }

    [Fact]
    public void Without_the_canceller_the_same_echo_cuts_the_agent_off_somewhere_in_the_matrix()
    {
        var cells = EchoMatrix.Cells().Where(c => !c.Caller && !c.ChangingPath).ToList();

        Assert.Contains(cells, c => EchoMatrix.Run(c, 8000, cancelEcho: false).FalseBargeIn);
    }

    public static TheoryData<int> EchoOnlyCells()
    {
        var data = new TheoryData<int>();
        var cells = EchoMatrix.Cells();
        for (var i = 0; i < cells.Count; i++)
            if (!cells[i].Caller) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(EchoOnlyCells))]
    public void No_echo_in_the_matrix_makes_the_agent_cut_itself_off(int cell)
    {
        var outcome = EchoMatrix.Run(EchoMatrix.Cells()[cell], 8000);

        Assert.False(outcome.FalseBargeIn, EchoMatrix.Cells()[cell].ToString());
    }

    [Theory]
    [InlineData(60, -12.0, false)]
    [InlineData(60, -12.0, true)]
    [InlineData(120, -6.0, true)]
    public void A_caller_6_dB_above_an_echo_that_appeared_mid_reply_and_moved_stops_the_agent(int delayMs, double gainDb, bool noise)
    {
        var outcome = EchoMatrix.Run(new EchoCell(delayMs, gainDb, MidReply: true, noise, ChangingPath: true, Caller: true), 8000);

        Assert.False(outcome.FalseBargeIn);
        Assert.NotNull(outcome.BargeInAfterOnsetMs);
    }

    /// <summary>The cells where `clear` came late (418–637 ms) before the sixth session: moved paths and -20 dB echo in line noise.</summary>
    [Theory]
    [InlineData(20, -6.0, false, false, true)]
    [InlineData(20, -6.0, true, true, true)]
    [InlineData(60, -12.0, false, true, true)]
    [InlineData(60, -12.0, true, true, true)]
    [InlineData(120, -20.0, false, true, false)]
    [InlineData(120, -20.0, true, true, false)]
    public void A_caller_6_dB_above_the_echo_gets_clear_within_400_ms_where_it_used_to_come_late(int delayMs, double gainDb, bool midReply, bool noise, bool moving)
    {
        var outcome = EchoMatrix.Run(new EchoCell(delayMs, gainDb, midReply, noise, moving, Caller: true), 8000);

        Assert.False(outcome.FalseBargeIn);
        Assert.False(outcome.Missed(EchoMatrix.BargeInLimitMs), $"clear at +{outcome.BargeInAfterOnsetMs} ms");
    }

    /// <summary>
    /// The three cells still late before the seventh session (+417–479 ms): a -20 dB echo in line noise on a moved path.
    /// The first waited out the 1 s unresolved hold (its filter removed the echo down to the noise but showed under 6 dB of
    /// plain ERLE); in the other two the filter adapted on the caller's syllables 3–6 dB over the echo and the residual
    /// suppressor then cut them.
    /// </summary>
    [Theory]
    [InlineData(60, true)]
    [InlineData(250, false)]
    [InlineData(250, true)]
    public void A_caller_6_dB_above_a_moved_minus_20_dB_echo_in_line_noise_gets_clear_within_400_ms(int delayMs, bool midReply)
    {
        var outcome = EchoMatrix.Run(new EchoCell(delayMs, -20, midReply, LineNoise: true, ChangingPath: true, Caller: true), 8000);

        Assert.False(outcome.FalseBargeIn);
        Assert.False(outcome.Missed(EchoMatrix.BargeInLimitMs), $"clear at +{outcome.BargeInAfterOnsetMs} ms");
    }

    public static TheoryData<int> CallerCells()
    {
        var data = new TheoryData<int>();
        var cells = EchoMatrix.Cells();
        for (var i = 0; i < cells.Count; i++)
            if (cells[i].Caller) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CallerCells))]
    public void Every_caller_in_the_matrix_gets_clear_within_400_ms_of_their_onset(int cell)
    {
        var outcome = EchoMatrix.Run(EchoMatrix.Cells()[cell], 8000);

        Assert.False(outcome.FalseBargeIn, EchoMatrix.Cells()[cell].ToString());
        Assert.False(outcome.Missed(EchoMatrix.BargeInLimitMs), $"{EchoMatrix.Cells()[cell]}: clear at +{outcome.BargeInAfterOnsetMs} ms");
    }
}
