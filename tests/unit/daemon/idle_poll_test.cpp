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

TEST(IdlePoll, OffByDefaultAndAtZero) {
    boost::asio::io_context io;
    IdlePoll poll(io);
    EXPECT_FALSE(poll.enabled());
    EXPECT_FALSE(poll.keep_awake());
    poll.set_window(0us);
    EXPECT_FALSE(poll.keep_awake());
    EXPECT_EQ(io.poll(), 0u);  // nothing was queued: the loop would sleep at once
}

TEST(IdlePoll, PassesRunUntilTheWindowClosesThenClosedRunsOnce) {
    boost::asio::io_context io;
    IdlePoll poll(io);
    poll.set_window(2000us);
    int passes = 0;
    int closed = 0;
    poll.on_pass([&] { ++passes; });
    poll.on_closed([&] { ++closed; });
    const auto start = MonoClock::now();
    ASSERT_TRUE(poll.keep_awake());
    io.run();  // returns once the window has closed and nothing is queued
    EXPECT_GE(MonoClock::now() - start, 2000us);
    EXPECT_GE(passes, 1);
    EXPECT_EQ(closed, 1);
}

TEST(IdlePoll, WorkFoundInAPassExtendsTheWindow) {
    boost::asio::io_context io;
    IdlePoll poll(io);
    poll.set_window(1000us);
    int passes = 0;
    int closed = 0;
    MonoTime last_work{};
    poll.on_pass([&] {
        if (++passes <= 3) {  // the first three passes find work, as a turn that handled datagrams does
            last_work = MonoClock::now();
            poll.keep_awake();
        }
    });
    poll.on_closed([&] { ++closed; });
    ASSERT_TRUE(poll.keep_awake());
    io.run();
    EXPECT_GE(MonoClock::now() - last_work, 1000us);  // a whole window after the last work
    EXPECT_GT(passes, 3);
    EXPECT_EQ(closed, 1);
}

TEST(IdlePoll, TimersAndOtherHandlersRunWhileItPolls) {
    boost::asio::io_context io;
    IdlePoll poll(io);
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
    ASSERT_TRUE(poll.keep_awake());
    io.run();
    EXPECT_TRUE(fired_before_close);
}

}  // namespace
}  // namespace tern::server
