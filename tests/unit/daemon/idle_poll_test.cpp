// IdlePoll on a real io_context: a window opens only when asked, passes run until it closes, work
// found during a pass extends it, and the reactor (timers, sockets) keeps running between passes.
#include "server/daemon/idle_poll.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

namespace tern::server {
namespace {

using namespace std::chrono_literals;

// One shard's loop: an io_context, its IdlePoll, and counts of what the poll called back.
class IdlePollTest : public ::testing::Test {
protected:
    IdlePollTest() {
        poll.on_closed([this] { ++closed; });
    }
    // Opens a window and runs the loop until it is empty again: the window closed, nothing queued.
    void run_one_window() {
        ASSERT_TRUE(poll.keep_awake());
        io.run();
    }

    boost::asio::io_context io;
    IdlePoll poll{io};
    int passes = 0;
    int closed = 0;
};

TEST_F(IdlePollTest, OffByDefaultAndAtZero) {
    EXPECT_FALSE(poll.enabled());
    EXPECT_FALSE(poll.keep_awake());
    poll.set_window(0us);
    EXPECT_FALSE(poll.keep_awake());
    EXPECT_EQ(io.poll(), 0u);  // nothing was queued: the loop would sleep at once
    EXPECT_EQ(closed, 0);
}

TEST_F(IdlePollTest, PassesRunUntilTheWindowClosesThenClosedRunsOnce) {
    poll.set_window(2000us);
    poll.on_pass([this] { ++passes; });
    const auto start = MonoClock::now();
    run_one_window();
    EXPECT_GE(MonoClock::now() - start, 2000us);
    EXPECT_GE(passes, 1);
    EXPECT_EQ(closed, 1);
}

TEST_F(IdlePollTest, WorkFoundInAPassExtendsTheWindow) {
    poll.set_window(1000us);
    MonoTime last_work{};
    poll.on_pass([&] {
        if (++passes <= 3) {  // the first three passes find work, as a turn that handled datagrams does
            last_work = MonoClock::now();
            poll.keep_awake();
        }
    });
    run_one_window();
    EXPECT_GE(MonoClock::now() - last_work, 1000us);  // a whole window after the last work
    EXPECT_GT(passes, 3);
    EXPECT_EQ(closed, 1);
}

TEST_F(IdlePollTest, TimersAndOtherHandlersRunWhileItPolls) {
    poll.set_window(500us);
    bool fired = false;
    bool fired_before_close = false;
    boost::asio::steady_timer timer(io, 2ms);
    timer.async_wait([&](const boost::system::error_code&) { fired = true; });
    const auto give_up = MonoClock::now() + 10s;  // bounds the test if the reactor were starved
    poll.on_pass([&] {
        if (!fired && MonoClock::now() < give_up) poll.keep_awake();  // stay awake until the timer fires
    });
    poll.on_closed([&] { fired_before_close = fired; });
    run_one_window();
    EXPECT_TRUE(fired_before_close);
}

}  // namespace
}  // namespace tern::server
