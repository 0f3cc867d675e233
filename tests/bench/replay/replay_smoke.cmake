# replay_smoke_test: qd-bench-replay on the shared `smoke` workload must reproduce refbook's
# published figures. The workload is generated at test time from the shared bench folder.
set(QD_SHARED_BENCH_DIR "${CMAKE_SOURCE_DIR}/../shared/bench"
    CACHE PATH "Folder holding gen_workload.py and refbook.cpp")
add_test(NAME replay_smoke_test
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/smoke_check.sh $<TARGET_FILE:qd-bench-replay>
                 ${QD_SHARED_BENCH_DIR} ${CMAKE_CURRENT_BINARY_DIR}/replay-smoke)
set_tests_properties(replay_smoke_test PROPERTIES LABELS replay TIMEOUT 120)
