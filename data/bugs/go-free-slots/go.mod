module example.com/freeslots

go 1.19
