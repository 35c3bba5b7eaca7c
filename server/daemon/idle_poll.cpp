#include "server/daemon/idle_poll.hpp"

#include <sched.h>

#include <boost/asio/post.hpp>

namespace tern::server {

bool IdlePoll::keep_awake() noexcept {
    if (!enabled()) return false;
    until_ = MonoClock::now() + window_;
    if (!posted_) post_pass();
    return true;
}

void IdlePoll::post_pass() {
    posted_ = true;
    boost::asio::post(io_, slot_->bind_to([this, keep = slot_] { run_pass(); }));
}

void IdlePoll::run_pass() {
    posted_ = false;
    if (pass_) pass_();
    if (posted_) return;  // the pass found work and kept the loop awake
    if (MonoClock::now() >= until_) {
        if (closed_) closed_();
        return;
    }
    // Another runnable thread on this CPU (the load, a neighbour) gets it first: polling only spends
    // time nobody else wants. With none, this returns at once.
    ::sched_yield();
    post_pass();
}

}  // namespace tern::server
