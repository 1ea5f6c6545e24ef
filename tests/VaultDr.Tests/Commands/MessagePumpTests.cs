using VaultDr.Commands;
using Xunit;

namespace VaultDr.Tests.Commands;

/// <summary>The pump brings what asynchronous work asks for to the thread that drives it (the pipeline thread).</summary>
public sealed class MessagePumpTests
{
    [Fact]
    public void Drive_ReturnsAFinishedWorksResult_AfterDoingWhatItQueued()
    {
        var pump = new MessagePump();
        var done = new List<string>();
        pump.Post(() => done.Add("first"));
        pump.Post(() => done.Add("second"));

        Assert.Equal(42, pump.Drive(Task.FromResult(42)));
        Assert.Equal(["first", "second"], done);
    }

    [Fact]
    public void PostedActions_RunOnTheDrivingThread_InOrder_WhileTheWorkRunsElsewhere()
    {
        var pump = new MessagePump();
        var ranOn = new List<int>();
        var work = Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                pump.Post(() => ranOn.Add(Environment.CurrentManagedThreadId));
                await Task.Delay(5).ConfigureAwait(false);
            }

            return "finished";
        });

        Assert.Equal("finished", pump.Drive(work));
        Assert.Equal(Enumerable.Repeat(Environment.CurrentManagedThreadId, 5), ranOn);
    }

    [Fact]
    public void Ask_RunsOnTheDrivingThread_AndTheWorkGetsTheAnswer()
    {
        var pump = new MessagePump();
        var driver = Environment.CurrentManagedThreadId;
        var work = Task.Run(async () =>
        {
            var askedOn = await pump.Ask(() => Environment.CurrentManagedThreadId).ConfigureAwait(false);
            return (askedOn, continuedOn: Environment.CurrentManagedThreadId);
        });

        var (askedOn, continuedOn) = pump.Drive(work);

        Assert.Equal(driver, askedOn);
        Assert.NotEqual(driver, continuedOn);
    }

    [Fact]
    public void Ask_HandsAnExceptionToTheWork()
    {
        var pump = new MessagePump();
        var work = Task.Run(async () =>
        {
            try
            {
                await pump.Ask<int>(() => throw new InvalidOperationException("no prompt here")).ConfigureAwait(false);
                return "answered";
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }
        });

        Assert.Equal("no prompt here", pump.Drive(work));
    }

    [Fact]
    public void Drive_ThrowsTheWorksException()
    {
        var pump = new MessagePump();

        var thrown = Assert.Throws<TimeoutException>(() => pump.Drive(Task.Run<int>(async () =>
        {
            await Task.Delay(10).ConfigureAwait(false);
            throw new TimeoutException("slow");
        })));
        Assert.Equal("slow", thrown.Message);
    }
}
